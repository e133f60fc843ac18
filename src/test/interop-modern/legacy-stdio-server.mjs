// A legacy-era MCP server (TypeScript SDK 1.x: initialize handshake, one session per process) on stdio, as an
// upstream behind mcp-auth. Its one tool answers with the text upper-cased, how many calls the session has served, and who initialized it.
// usage: node legacy-stdio-server.mjs
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

let calls = 0;
const server = new McpServer({ name: "legacy-upstream", version: "1.0.0" });
server.registerTool("shout", { description: "Upper-cases text", inputSchema: { text: z.string() } }, async ({ text }) => ({
  content: [{ type: "text", text: `${text.toUpperCase()} (call ${++calls} in the session initialized by ${server.server.getClientVersion()?.name})` }],
}));
await server.connect(new StdioServerTransport());
