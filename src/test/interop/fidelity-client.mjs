// The fidelity checks of issue #14: the official TypeScript SDK client, declaring sampling, elicitation and roots,
// exercises everything @modelcontextprotocol/server-everything can say, against a URL that is either the upstream
// itself or mcp-auth in front of it. Prints one JSON object: {checks: {<name>: {ok, detail}}}.
// usage: node fidelity-client.mjs <mcp-url> <token or -> <name-prefix, e.g. "everything__" or "">
//        node fidelity-client.mjs 'stdio:{"command":...,"args":[...],"env":{...}}' - <name-prefix>   (spawns a stdio server)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema,
  LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { tapWire } from "../interop-shared/wire.mjs";

const [url, token, prefix = ""] = process.argv.slice(2);
const headers = token && token !== "-" ? { Authorization: `Bearer ${token}` } : {};
const ROOT = { uri: "file:///srv/fidelity-root", name: "fidelity-root" };
const SAMPLED = "sampled-by-the-fidelity-client";
const checks = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const text = (result) => (result?.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
const errors = [];

const client = new Client({ name: "fidelity-client", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } });
client.setRequestHandler(CreateMessageRequestSchema, async () => ({
  role: "assistant", model: "fidelity-model", stopReason: "endTurn", content: { type: "text", text: SAMPLED },
}));
client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { name: "Ada Fidelity", check: true } }));
client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [ROOT] }));
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { logs.push(n.params); });
const updates = [];
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { updates.push(n.params.uri); });
client.onerror = (e) => errors.push(String(e?.message ?? e));

async function check(name, fn) {
  try {
    const detail = await fn();
    checks[name] = { ok: true, detail: detail ?? null };
  } catch (e) {
    checks[name] = { ok: false, detail: String(e?.message ?? e) };
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const transport = url.startsWith("stdio:")
  ? new StdioClientTransport({ ...JSON.parse(url.slice(6)), stderr: "ignore" })
  : new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
try {
  await client.connect(transport);
  const wire = tapWire(transport);
  const tools = (await client.listTools()).tools.map((t) => t.name);

  await check("capabilities", async () => {
    for (const t of ["trigger-sampling-request", "trigger-elicitation-request", "get-roots-list"]) {
      expect(tools.includes(prefix + t), `tool ${prefix + t} is not listed: ${tools.join(",")}`);
    }
  });
  await check("echo", async () => {
    const r = await client.callTool({ name: prefix + "echo", arguments: { message: "fidelity" } });
    expect(text(r) === "Echo: fidelity", text(r));
  });
  await check("progress", async () => {
    const seen = [];
    const from = wire.length;
    const r = await client.callTool({ name: prefix + "trigger-long-running-operation", arguments: { duration: 1, steps: 4 } },
      undefined, { onprogress: (p) => seen.push(p.progress) });
    const arrived = wire.slice(from);
    expect(text(r).includes("completed"), text(r));
    expect(JSON.stringify(arrived) === '[1,2,3,4,"response"]', `on the wire: ${JSON.stringify(arrived)}; handled: ${JSON.stringify(seen)}`);
    return { arrived, handled: seen };
  });
  await check("sampling", async () => {
    const r = await client.callTool({ name: prefix + "trigger-sampling-request", arguments: { prompt: "hello", maxTokens: 20 } });
    expect(text(r).includes(SAMPLED), text(r));
  });
  await check("elicitation", async () => {
    const r = await client.callTool({ name: prefix + "trigger-elicitation-request", arguments: {} });
    expect(text(r).includes("Ada Fidelity"), text(r));
  });
  await check("roots", async () => {
    let r = await client.callTool({ name: prefix + "get-roots-list", arguments: {} });
    for (let i = 0; i < 20 && !text(r).includes(ROOT.uri); i++) {
      await sleep(100);
      r = await client.callTool({ name: prefix + "get-roots-list", arguments: {} });
    }
    expect(text(r).includes(ROOT.uri), text(r));
  });
  await check("logging", async () => {
    await client.setLoggingLevel("debug");
    await client.callTool({ name: prefix + "toggle-simulated-logging", arguments: {} });
    for (let i = 0; i < 80 && logs.length === 0; i++) await sleep(100);
    await client.callTool({ name: prefix + "toggle-simulated-logging", arguments: {} });
    expect(logs.length > 0, "no notifications/message arrived in 8 s");
    return logs.length;
  });
  await check("subscriptions", async () => {
    const uri = "demo://resource/dynamic/text/1";
    await client.subscribeResource({ uri });
    await client.callTool({ name: prefix + "toggle-subscriber-updates", arguments: {} });
    for (let i = 0; i < 80 && !updates.includes(uri); i++) await sleep(100);
    await client.callTool({ name: prefix + "toggle-subscriber-updates", arguments: {} });
    await client.unsubscribeResource({ uri });
    expect(updates.includes(uri), `no notifications/resources/updated for ${uri} in 8 s: ${JSON.stringify(updates)}`);
  });
  await check("completion", async () => {
    const r = await client.complete({ ref: { type: "ref/prompt", name: prefix + "completable-prompt" }, argument: { name: "department", value: "Eng" } });
    expect(r.completion.values.includes("Engineering"), JSON.stringify(r));
  });
  await check("prompt", async () => {
    const r = await client.getPrompt({ name: prefix + "args-prompt", arguments: { city: "Paris" } });
    expect(JSON.stringify(r.messages).includes("Paris"), JSON.stringify(r));
  });
  await check("resource", async () => {
    const r = await client.readResource({ uri: "demo://resource/dynamic/text/1" });
    expect(r.contents.length === 1, JSON.stringify(r));
  });
  await check("cancellation", async () => {
    const before = errors.length;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort("fidelity abort"), 500);
    let aborted = false;
    try {
      await client.callTool({ name: prefix + "trigger-long-running-operation", arguments: { duration: 3, steps: 3 } },
        undefined, { signal: controller.signal, onprogress: () => {} });
    } catch (e) {
      aborted = true;
    }
    expect(aborted && Date.now() - started < 2500, "the call was not aborted promptly");
    await sleep(3500);
    const stray = errors.slice(before).filter((m) => m.includes("unknown message ID"));
    expect(stray.length === 0, `a result arrived after the cancellation: ${stray.join("; ")}`);
  });
  if (transport.terminateSession) await transport.terminateSession().catch(() => {});
  await client.close();
} catch (e) {
  checks.connect = { ok: false, detail: String(e?.message ?? e) };
}
console.log(JSON.stringify({ checks, errors }));
process.exit(0);
