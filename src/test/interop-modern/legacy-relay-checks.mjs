// A 2025-era client (TypeScript SDK 1.x, declaring sampling, elicitation and roots) against mcp-auth in front of a
// 2026-07-28-only upstream (modern-only-upstream.mjs): the gateway must translate the era both ways — initialize
// from server/discover, input_required results relayed as elicitation/sampling requests, streamed progress.
// Prints one JSON object: {tools, checks: {<name>: {ok, detail}}}.
// usage: node legacy-relay-checks.mjs <mcp-url> <token> <name-prefix>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { tapWire } from "../interop-shared/wire.mjs";

const [url, token, prefix = ""] = process.argv.slice(2);
const out = { checks: {} };
const text = (r) => (r?.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
const asked = [];
const client = new Client({ name: "legacy-relay-checks", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} } });
client.setRequestHandler(ElicitRequestSchema, async (r) => {
  asked.push(r.params.message);
  return { action: "accept", content: { ok: true } };
});
client.setRequestHandler(CreateMessageRequestSchema, async () => ({
  role: "assistant", model: "relay-model", stopReason: "endTurn", content: { type: "text", text: "forty-two" },
}));
async function check(name, fn) {
  try {
    out.checks[name] = { ok: true, detail: (await fn()) ?? null };
  } catch (e) {
    out.checks[name] = { ok: false, detail: String(e?.message ?? e) };
  }
}
const expect = (cond, message) => { if (!cond) throw new Error(message); };
try {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  const wire = tapWire(transport);
  out.protocolVersion = client.transport?.protocolVersion ?? null;
  out.tools = (await client.listTools()).tools.map((t) => t.name);
  await check("echo", async () => {
    const r = await client.callTool({ name: prefix + "echo", arguments: { text: "hello modern" } });
    expect(text(r) === "echo: hello modern", text(r));
  });
  await check("elicitation", async () => {
    const r = await client.callTool({ name: prefix + "confirm", arguments: { action: "deploy" } });
    expect(text(r) === 'confirmed deploy: {"ok":true}', text(r));
    expect(asked.includes("Really deploy?"), `elicitations seen: ${JSON.stringify(asked)}`);
    return text(r);
  });
  await check("sampling", async () => {
    const r = await client.callTool({ name: prefix + "sample", arguments: { prompt: "the answer?" } });
    expect(text(r) === "model said: forty-two", text(r));
  });
  await check("progress", async () => {
    const seen = [];
    const from = wire.length;
    const r = await client.callTool({ name: prefix + "count", arguments: { n: 3 } }, undefined,
      { onprogress: (p) => seen.push(p.progress) });
    const arrived = wire.slice(from);
    expect(text(r) === "counted to 3", text(r));
    expect(JSON.stringify(arrived) === '[1,2,3,"response"]', `on the wire: ${JSON.stringify(arrived)}; handled: ${JSON.stringify(seen)}`);
    return { arrived, handled: seen };
  });
  await check("cancellation", async () => {
    const abort = new AbortController();
    const call = client.callTool({ name: prefix + "wait", arguments: {} }, undefined, { signal: abort.signal });
    setTimeout(() => abort.abort("the user gave up"), 500);
    let rejected = false;
    try { await call; } catch { rejected = true; }
    expect(rejected, "the cancelled call still resolved");
    await new Promise((r) => setTimeout(r, 500));
    const r = await client.callTool({ name: prefix + "aborted", arguments: {} });
    expect(text(r) === "1", `the upstream saw ${text(r)} cancelled waits`);
  });
  await check("list_changed", async () => {
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
    await client.callTool({ name: prefix + "grow", arguments: {} });
    for (let i = 0; i < 50 && changed === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(changed > 0, "no notifications/tools/list_changed within 5 s");
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools.includes(prefix + "late"), `tools after the change: ${tools.join(",")}`);
    const r = await client.callTool({ name: prefix + "late", arguments: {} });
    expect(text(r) === "late but here", text(r));
  });
  await client.close();
} catch (e) {
  out.error = String(e?.message ?? e);
}
console.log(JSON.stringify(out));
process.exit(0);
