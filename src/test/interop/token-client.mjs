// Connects to an MCP server with a bearer token using the official TypeScript SDK client,
// lists tools and calls one; prints one JSON object on stdout for the Java test to assert on.
// usage: node token-client.mjs <mcp-url> <token> <tool> <arguments-json>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, tool, argsJson] = process.argv.slice(2);
const out = {};
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "interop-token-client", version: "1.0.0" });
try {
  await client.connect(transport);
  out.serverVersion = client.getServerVersion();
  out.protocolVersion = transport.protocolVersion ?? null;
  out.sessionId = transport.sessionId ?? null;
  out.tools = (await client.listTools()).tools.map((t) => t.name);
  if (tool) {
    out.call = await client.callTool({ name: tool, arguments: JSON.parse(argsJson ?? "{}") });
  }
  await transport.terminateSession();
  await client.close();
} catch (e) {
  out.error = { name: e?.constructor?.name, code: e?.code ?? null, message: String(e?.message ?? e) };
}
console.log(JSON.stringify(out));
process.exit(0);
