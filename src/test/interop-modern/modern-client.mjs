// Drives mcp-auth with the official TypeScript SDK 2.x client in modern mode (MCP 2026-07-28, stateless):
// version negotiation by server/discover, tools/list, tools/call, a 403 insufficient_scope challenge, and a
// header mismatch provoked by a fetch that rewrites Mcp-Name. Prints one JSON object on stdout for the Java test.
// usage: node modern-client.mjs <mcp-url> <token> <tool> <arguments-json> <denied-tool>
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, token, tool, argsJson, deniedTool] = process.argv.slice(2);
const out = { requests: [] };
const authProvider = { token: async () => token };

// Records what the client puts on the wire, so the test can assert on the real headers.
const recording = (rewrite) => async (input, init) => {
  const headers = new Headers(init?.headers);
  if (rewrite) rewrite(headers);
  out.requests.push({
    method: init?.method ?? "GET",
    protocolVersion: headers.get("mcp-protocol-version"),
    mcpMethod: headers.get("mcp-method"),
    mcpName: headers.get("mcp-name"),
    sessionId: headers.get("mcp-session-id"),
  });
  return fetch(input, { ...init, headers });
};

const errorOf = (e) => ({
  name: e?.constructor?.name ?? null, code: e?.code ?? null, message: String(e?.message ?? e),
  requiredScope: e?.requiredScope ?? null, resourceMetadataUrl: e?.resourceMetadataUrl ?? null,
  status: e?.data?.status ?? null,
});

const connect = async (rewrite) => {
  const client = new Client({ name: "interop-modern-client", version: "2.0.0" }, { versionNegotiation: { mode: "auto" } });
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider, fetch: recording(rewrite) });
  await client.connect(transport);
  return { client, transport };
};

try {
  const { client, transport } = await connect();
  out.era = client.getProtocolEra();
  out.protocolVersion = client.getNegotiatedProtocolVersion();
  out.serverVersion = client.getServerVersion() ?? null;
  out.capabilities = client.getServerCapabilities() ?? null;
  out.sessionId = transport.sessionId ?? null;
  out.discover = await client.discover();
  out.tools = (await client.listTools()).tools.map((t) => t.name);
  out.call = await client.callTool({ name: tool, arguments: JSON.parse(argsJson ?? "{}") });
  try {
    out.denied = { result: await client.callTool({ name: deniedTool, arguments: {} }) };
  } catch (e) {
    out.denied = { error: errorOf(e) };
  }
  await client.close();

  const tampered = await connect((headers) => {
    if (headers.get("mcp-method") === "tools/call") headers.set("mcp-name", "not-the-tool-in-the-body");
  });
  try {
    out.mismatch = { result: await tampered.client.callTool({ name: tool, arguments: JSON.parse(argsJson ?? "{}") }) };
  } catch (e) {
    out.mismatch = { error: errorOf(e) };
  }
  await tampered.client.close();
} catch (e) {
  out.error = errorOf(e);
}
console.log(JSON.stringify(out));
process.exit(0);
