// The TypeScript SDK 2.x client in the 2026-07-28 era, declaring sampling and elicitation, against mcp-auth in front
// of a 2025-era upstream (server-everything): the upstream's sampling/createMessage and elicitation/create during a
// call must come back as input_required results, which this client fulfils through its handlers and retries; the
// progress and log messages of a call that asks for them (_meta progressToken, io.modelcontextprotocol/logLevel) must
// come back on the call's own stream. Run against server-everything directly too (there the client falls back to the
// 2025 era, where the log level is the session's: logging/setLevel), so the gateway is held to what the upstream does.
// Prints one JSON object: {era, checks: {<name>: {ok, detail}}}.
// usage: node modern-relay-checks.mjs <mcp-url> <token> <name-prefix>
//        node modern-relay-checks.mjs 'stdio:{"command":...,"args":[...],"env":{...}}' - <name-prefix>   (spawns a stdio server)
import { Client, LOG_LEVEL_META_KEY, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { tapWire } from "../interop-shared/wire.mjs";

const [url, token, prefix = ""] = process.argv.slice(2);
const out = { checks: {} };
const text = (r) => (r?.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
const expect = (cond, message) => { if (!cond) throw new Error(message); };
async function check(name, fn) {
  try {
    out.checks[name] = { ok: true, detail: (await fn()) ?? null };
  } catch (e) {
    out.checks[name] = { ok: false, detail: String(e?.message ?? e) };
  }
}
const SAMPLED = "sampled-by-the-modern-client";
const client = new Client({ name: "modern-relay-checks", version: "2.0.0" },
  { capabilities: { sampling: {}, elicitation: { form: {} } }, versionNegotiation: { mode: "auto" } });
client.setRequestHandler("sampling/createMessage", async () => ({
  role: "assistant", model: "modern-model", stopReason: "endTurn", content: { type: "text", text: SAMPLED },
}));
const logs = [];
client.setNotificationHandler("notifications/message", (n) => { logs.push(n.params); });
client.setRequestHandler("elicitation/create", async () => ({ action: "accept", content: { name: "Ada Modern", check: true } }));
try {
  const transport = url.startsWith("stdio:") ? new StdioClientTransport(JSON.parse(url.slice("stdio:".length)))
    : new StreamableHTTPClientTransport(new URL(url), { authProvider: { token: async () => token } });
  await client.connect(transport);
  const wire = tapWire(transport);
  out.era = client.getProtocolEra();
  await check("echo", async () => {
    const r = await client.callTool({ name: prefix + "echo", arguments: { message: "modern" } });
    expect(text(r) === "Echo: modern", text(r));
  });
  await check("sampling", async () => {
    const r = await client.callTool({ name: prefix + "trigger-sampling-request", arguments: { prompt: "hello", maxTokens: 20 } });
    expect(text(r).includes(SAMPLED), text(r));
  });
  await check("elicitation", async () => {
    const r = await client.callTool({ name: prefix + "trigger-elicitation-request", arguments: {} });
    expect(text(r).includes("Ada Modern"), text(r));
  });
  await check("progress", async () => {
    const seen = [];
    const from = wire.length;
    const r = await client.callTool({ name: prefix + "trigger-long-running-operation", arguments: { duration: 1, steps: 4 } },
      { onprogress: (p) => seen.push(p.progress) });
    const arrived = wire.slice(from);
    expect(text(r).includes("completed"), text(r));
    expect(JSON.stringify(arrived) === '[1,2,3,4,"response"]', `on the wire: ${JSON.stringify(arrived)}; handled: ${JSON.stringify(seen)}`);
    return { arrived, handled: seen };
  });
  await check("logging", async () => {
    const debug = { [LOG_LEVEL_META_KEY]: "debug" };
    if (out.era !== "modern") await client.setLoggingLevel("debug");
    const before = logs.length;
    // The upstream logs once when logging is switched on, then every 5 s: the 6 s call sees one of those.
    await client.callTool({ name: prefix + "toggle-simulated-logging", arguments: {}, _meta: debug });
    await client.callTool({ name: prefix + "trigger-long-running-operation", arguments: { duration: 6, steps: 2 }, _meta: debug });
    await client.callTool({ name: prefix + "toggle-simulated-logging", arguments: {}, _meta: debug });
    const seen = logs.slice(before);
    expect(seen.length > 0, "no notifications/message arrived during the calls");
    return seen.map((l) => l.level);
  });
  await client.close();
} catch (e) {
  out.error = String(e?.message ?? e);
}
console.log(JSON.stringify(out));
process.exit(0);
