#!/usr/bin/env python3
"""Start-up of several builds, alternated run by run: bench/startup-compare.py [-n RUNS] JAR_DIR[@JVM_OPTS] ...

Each JAR_DIR holds an mcp-auth.jar (and, optionally, its mcp-auth.aot, newer than the jar). For every run the builds
take turns, so a machine whose speed drifts slows all of them alike; StartupProbe in run.sh measures one build ten
times in a row instead. Prints, per build, the median (and quartiles) of the time from spawning `dist/mcp-auth serve
--stdio` to the initialize response on stdout, and the median of `dist/mcp-auth --help`. Text after '@' is passed
as MCP_AUTH_JAVA_OPTS, to compare JVM flags on one build.
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "dist", "mcp-auth")
SECRET = "startup-compare-secret-at-least-32-bytes"
INITIALIZE = (b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
              b'"capabilities":{},"clientInfo":{"name":"startup-compare","version":"1"}}}\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=20, help="measured runs per build (after one warm-up run)")
    parser.add_argument("builds", nargs="+", help="JAR_DIR or JAR_DIR@JVM_OPTS")
    args = parser.parse_args()
    env = dict(os.environ, MCP_AUTH_LOG_LEVEL="WARN")
    token = subprocess.run([LAUNCHER, "token", "mint", "--secret", SECRET, "--scope", "math:calculate"],
                           env=dict(env, MCP_AUTH_AOT="off"), capture_output=True, text=True, check=True).stdout.strip()
    stdio = {b: [] for b in args.builds}
    helps = {b: [] for b in args.builds}
    with tempfile.TemporaryDirectory() as workdir:
        for run in range(args.runs + 1):
            for build in args.builds:
                jar_dir, _, opts = build.partition("@")
                run_env = dict(env, MCP_AUTH_JAR=os.path.join(jar_dir, "mcp-auth.jar"), MCP_AUTH_TOKEN=token,
                               MCP_AUTH_JAVA_OPTS=opts)
                start = time.monotonic()
                child = subprocess.Popen([LAUNCHER, "serve", "--stdio", "--secret", SECRET], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=run_env, cwd=workdir)
                child.stdin.write(INITIALIZE)
                child.stdin.flush()
                answer = child.stdout.readline()
                elapsed = time.monotonic() - start
                child.stdin.close()
                child.wait(timeout=30)
                if b'"result"' not in answer:
                    raise SystemExit(f"startup-compare: {build} gave no initialize result: {answer[:200]!r}")
                start = time.monotonic()
                subprocess.run([LAUNCHER, "--help"], env=run_env, stdout=subprocess.DEVNULL, check=True)
                help_elapsed = time.monotonic() - start
                if run > 0:  # the first round only warms the page cache
                    stdio[build].append(elapsed * 1000)
                    helps[build].append(help_elapsed * 1000)
    for build in args.builds:
        q1, _, q3 = statistics.quantiles(stdio[build], n=4)
        print(f"{build}: serve --stdio median {statistics.median(stdio[build]):.0f} ms (q1 {q1:.0f}, q3 {q3:.0f}); "
              f"--help median {statistics.median(helps[build]):.0f} ms")


if __name__ == "__main__":
    main()
