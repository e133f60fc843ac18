// A legacy-era MCP server (TypeScript SDK 1.x: initialize handshake, one session per process) on stdio, as an
// upstream behind mcp-auth. Its tool "shout" answers with the text upper-cased, how many calls the session has served, and who
// initialized it; "wait-for-cancel" reports progress once, then waits, and writes its reason to the file "marker" when the
// client cancels it (notifications/cancelled), so a test sees what reached the upstream.
// usage: node legacy-stdio-server.mjs
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { writeFileSync } from "node:fs";
import { z } from "zod";

let calls = 0;
const server = new McpServer({ name: "legacy-upstream", version: "1.0.0" });
server.registerTool("shout", { description: "Upper-cases text", inputSchema: { text: z.string() } }, async ({ text }) => ({
  content: [{ type: "text", text: `${text.toUpperCase()} (call ${++calls} in the session initialized by ${server.server.getClientVersion()?.name})` }],
}));
server.registerTool("wait-for-cancel", { description: "Waits until cancelled", inputSchema: { marker: z.string(), seconds: z.number() } },
  async ({ marker, seconds }, extra) => {
    const token = extra._meta?.progressToken;
    if (token !== undefined) {
      await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: 0, message: "waiting" } });
    }
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, seconds * 1000);
      extra.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        writeFileSync(marker, String(extra.signal.reason ?? "cancelled"));
        resolve();
      });
    });
    return { content: [{ type: "text", text: "waited" }] };
  });
await server.connect(new StdioServerTransport());
