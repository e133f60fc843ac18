#!/usr/bin/env python3
"""Refresh soak: N clients refreshing their tokens in a loop against the embedded authorization server.

    bench/refresh-soak.py                    # 8 clients, 10 minutes, --state-dir in a temporary directory (H2)
    bench/refresh-soak.py --minutes 2 --clients 4
    bench/refresh-soak.py --state-db jdbc:postgresql://127.0.0.1:5432/postgres --state-db-user U --state-db-password-file F

Issue 19 item 3: with the JSON-file store, 8 clients went from 70 to 17 refreshes/s in two minutes. The target is a
flat rate for 10 minutes. Starts `serve --auto-approve` from target/mcp-auth.jar (build it first:
`mvn -B -DskipDist -DskipTests package`) on an ephemeral loopback port, registers the clients (RFC 7591), gets each a
refresh token (authorization code + PKCE, auto-approved), then every client refreshes with the token it was last
given, one request after the other on its own keep-alive connection. Prints refreshes/s for each minute, any
non-200 answer, and at the end the size of the store (the H2 file, or the PostgreSQL tables).
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REDIRECT = "http://127.0.0.1:9/callback"


def form(d):
    return urllib.parse.urlencode(d)


class Client:
    def __init__(self, host, port):
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                return r.status, dict(r.getheaders()), r.read().decode()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                if attempt == 2:
                    raise

    def post_form(self, path, d):
        return self.request("POST", path, form(d), {"Content-Type": "application/x-www-form-urlencoded"})


def start_gateway(args, state_dir):
    cmd = ["java", "-jar", args.jar, "serve", "--port", "0", "--auto-approve"]
    if args.state_db:
        cmd += ["--state-db", args.state_db]
        if args.state_db_user:
            cmd += ["--state-db-user", args.state_db_user]
        if args.state_db_password_file:
            cmd += ["--state-db-password-file", args.state_db_password_file]
    else:
        cmd += ["--state-dir", state_dir]
    log = open(os.path.join(tempfile.gettempdir(), "refresh-soak-serve.log"), "w")
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(log.name) as f:
            m = re.search(r"serving MCP at http://([0-9.]+):(\d+)/mcp", f.read())
        if m:
            return p, m.group(1), int(m.group(2)), log.name
        if p.poll() is not None:
            break
        time.sleep(0.1)
    p.kill()
    sys.exit("serve did not start; its log: " + open(log.name).read())


def login(c, host, port):
    status, _, body = c.request("POST", "/oauth/register", json.dumps({
        "client_name": "refresh-soak", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"]}), {"Content-Type": "application/json"})
    if status != 201:
        sys.exit(f"registration: {status} {body}")
    client_id = json.loads(body)["client_id"]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    status, headers, body = c.request("GET", "/oauth/authorize?" + form({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "code_challenge": challenge,
        "code_challenge_method": "S256", "resource": f"http://{host}:{port}/mcp", "state": "soak"}))
    location = headers.get("Location") or headers.get("location")
    if status != 302 or not location:
        sys.exit(f"authorize: {status} {body}")
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    status, _, body = c.post_form("/oauth/token", {"grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": REDIRECT, "code_verifier": verifier, "client_id": client_id})
    if status != 200:
        sys.exit(f"code exchange: {status} {body}")
    return client_id, json.loads(body)["refresh_token"]


def store_size(args, state_dir):
    if not args.state_db:
        files = [os.path.join(state_dir, f) for f in os.listdir(state_dir)]
        return "H2 " + ", ".join(f"{os.path.basename(f)} {os.path.getsize(f) / 1024:.0f} KiB" for f in sorted(files))
    m = re.match(r"jdbc:postgresql://([^:/]+)(?::(\d+))?/([^?]+)", args.state_db)
    env = dict(os.environ)
    if args.state_db_password_file:
        env["PGPASSWORD"] = open(args.state_db_password_file).read().strip()
    sql = ("SELECT string_agg(relname || ' ' || pg_size_pretty(pg_total_relation_size(relid)) || ' (' || n_live_tup || ' rows)', ', ')"
           " FROM pg_stat_user_tables")
    cmd = ["psql", "-At", "-h", m.group(1), "-p", m.group(2) or "5432", "-d", m.group(3), "-c", sql]
    if args.state_db_user:
        cmd[1:1] = ["-U", args.state_db_user]
    if not shutil.which("psql"):
        return "PostgreSQL (psql not installed: size not measured)"
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return "PostgreSQL " + (out.stdout.strip() or out.stderr.strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--jar", default=os.path.join(os.path.dirname(__file__), "..", "target", "mcp-auth.jar"))
    ap.add_argument("--state-db")
    ap.add_argument("--state-db-user")
    ap.add_argument("--state-db-password-file")
    args = ap.parse_args()
    if not os.path.exists(args.jar):
        sys.exit(f"{args.jar} is missing: build it with mvn -B -DskipDist -DskipTests package")
    state_dir = tempfile.mkdtemp(prefix="refresh-soak-")
    os.rmdir(state_dir)  # serve creates it owner-only
    proc, host, port, log = start_gateway(args, state_dir)
    try:
        run(args, host, port)
        print("store at the end: " + store_size(args, state_dir))
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(state_dir, ignore_errors=True)


def run(args, host, port):
    logins = [login(Client(host, port), host, port) for _ in range(args.clients)]
    seconds = args.minutes * 60
    start = time.time()
    counts = {}  # minute -> [ok, errors]
    errors = []
    lock = threading.Lock()

    def refresher(client_id, refresh):
        c = Client(host, port)
        while (now := time.time()) - start < seconds:
            status, _, body = c.post_form("/oauth/token", {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": client_id})
            minute = int((now - start) // 60)
            with lock:
                row = counts.setdefault(minute, [0, 0])
                if status == 200:
                    row[0] += 1
                else:
                    row[1] += 1
                    if len(errors) < 10:
                        errors.append(f"{status} {body[:200]}")
            if status == 200:
                refresh = json.loads(body)["refresh_token"]
            elif status != 503:
                return  # the login is gone: the bench shows it as errors and a falling rate

    threads = [threading.Thread(target=refresher, args=l) for l in logins]
    for t in threads:
        t.start()
    print(f"{args.clients} clients refreshing for {args.minutes:g} min against {'PostgreSQL' if args.state_db else 'H2 (--state-dir)'}")
    print("| minute | refreshes | refreshes/s | errors |")
    print("|---:|---:|---:|---:|")
    shown = 0
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        done = int((time.time() - start) // 60)
        while shown < done and shown in counts:
            ok, err = counts[shown]
            print(f"| {shown + 1} | {ok} | {ok / 60:.1f} | {err} |", flush=True)
            shown += 1
    for t in threads:
        t.join()
    tail = seconds - shown * 60
    if shown in counts and tail > 1:
        ok, err = counts[shown]
        print(f"| {shown + 1} (last {tail:.0f} s) | {ok} | {ok / tail:.1f} | {err} |")
    total = sum(v[0] for v in counts.values())
    print(f"total: {total} refreshes in {seconds:.0f} s, {total / seconds:.1f}/s; non-200 answers: {sum(v[1] for v in counts.values())}")
    for e in errors:
        print("  " + e)


if __name__ == "__main__":
    main()
