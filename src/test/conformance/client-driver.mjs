// The client the conformance runner starts for each scenario: `node client-driver.mjs <connect|flow> <server-url>`.
// connect: spawns `mcp-auth connect <url>` and speaks MCP over its stdio (initialize, tools/list, tools/call of the
//          first tool), as a local editor would; the login, step-up and retries are connect's own.
// flow:    runs `mcp-auth flow <url>` for a token, then initialize / tools/list / tools/call over HTTP with it.
// Pre-registered credentials come from MCP_CONFORMANCE_CONTEXT (JSON); the CIMD URL is the one the runner expects.
// How to start mcp-auth: MCP_AUTH_CONFORMANCE_JAVA and MCP_AUTH_CONFORMANCE_CLASSPATH (set by the JUnit test).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const [mode, url] = [process.argv[2], process.argv[process.argv.length - 1]];
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT || "{}");
const java = process.env.MCP_AUTH_CONFORMANCE_JAVA || "java";
const classpath = process.env.MCP_AUTH_CONFORMANCE_CLASSPATH;
const CIMD_URL = "https://conformance-test.local/client-metadata.json";

function loginArgs() {
  const args = ["--no-browser", "--client-metadata-url", CIMD_URL];
  if (context.client_id) args.push("--client-id", context.client_id);
  if (context.client_secret) args.push("--client-secret", context.client_secret);
  return args;
}

function mcpAuth(args) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("MCP_AUTH_")) delete env[k];
  return spawn(java, ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath, "dev.mcpauth.cli.Main", ...args],
    { env, stdio: ["pipe", "pipe", "inherit"] });
}

const initialize = { method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {},
  clientInfo: { name: "mcp-auth-conformance-driver", version: "1.0.0" } } };

async function viaConnect() {
  const store = join(mkdtempSync(join(tmpdir(), "conformance-")), "tokens.json");
  const child = mcpAuth(["connect", url, "--token-store", store, "--login-timeout=20s", ...loginArgs()]);
  const pending = new Map();
  let nextId = 1;
  createInterface({ input: child.stdout }).on("line", line => {
    const msg = JSON.parse(line);
    if (msg.id !== undefined && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
  });
  const exited = new Promise(resolve => child.on("exit", code => resolve({ exited: code })));
  const call = (req) => {
    const id = nextId++;
    const reply = new Promise(resolve => pending.set(id, resolve));
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, ...req }) + "\n");
    return Promise.race([reply, exited]);
  };
  try {
    const init = await call(initialize);
    if (!init.result) throw new Error("initialize: " + JSON.stringify(init));
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
    const list = await call({ method: "tools/list", params: {} });
    if (!list.result) throw new Error("tools/list: " + JSON.stringify(list));
    const tool = list.result.tools[0];
    if (tool) {
      const result = await call({ method: "tools/call", params: { name: tool.name, arguments: { a: 1, b: 2 } } });
      if (!result.result) throw new Error("tools/call: " + JSON.stringify(result));
    }
  } finally {
    child.stdin.end();
    await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
    child.kill();
  }
}

// flow is a one-shot login: on a 403 insufficient_scope the driver, as a user would, runs it again for the scopes held
// plus the challenged ones (MCP scope step-up), at most twice for the same operation.
async function flowToken(scopes) {
  const args = ["flow", url, "--timeout=20s", ...loginArgs()];
  if (scopes.length) args.push("--scope", scopes.join(" "));
  const child = mcpAuth(args);
  let out = "";
  child.stdout.on("data", d => { out += d; });
  const code = await new Promise(resolve => child.on("exit", resolve));
  if (code !== 0) throw new Error("flow exited " + code);
  return out.trim();
}

async function viaFlow() {
  let token = await flowToken([]);
  let held = [];
  let session;
  const post = async (body, stepUps = 0) => {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
      authorization: "Bearer " + token, "mcp-protocol-version": "2025-06-18" };
    if (session) headers["mcp-session-id"] = session;
    const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", ...body }) });
    const challenge = res.headers.get("www-authenticate") || "";
    if (res.status === 403 && challenge.includes("insufficient_scope") && stepUps < 2) {
      const scope = (challenge.match(/scope="([^"]*)"/) || [])[1] || "";
      held = [...new Set([...held, ...scope.split(" ").filter(Boolean)])];
      token = await flowToken(held);
      return post(body, stepUps + 1);
    }
    session = res.headers.get("mcp-session-id") || session;
    const text = await res.text();
    if (!res.ok && res.status !== 202) throw new Error(body.method + ": HTTP " + res.status + " " + text);
    const data = text.startsWith("{") ? text : (text.split("\n").find(l => l.startsWith("data: {")) || "data: {}").slice(6);
    return JSON.parse(data);
  };
  await post({ id: 1, ...initialize });
  await post({ method: "notifications/initialized" });
  const list = await post({ id: 2, method: "tools/list", params: {} });
  const tool = list.result?.tools?.[0];
  if (tool) await post({ id: 3, method: "tools/call", params: { name: tool.name, arguments: { a: 1, b: 2 } } });
}

try {
  await (mode === "flow" ? viaFlow() : viaConnect());
  process.exit(0);
} catch (e) {
  console.error("driver: " + e.message);
  process.exit(1);
}
