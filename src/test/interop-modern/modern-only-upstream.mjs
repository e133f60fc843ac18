// A 2026-07-28-only MCP server (TypeScript SDK 2.x, `legacy: 'reject'`): the upstream the gateway must front for
// legacy and modern clients alike. Prints "LISTENING <port>" once it accepts connections.
import http from 'node:http';
import { McpServer, createMcpHandler, fromJsonSchema, inputRequired, acceptedContent } from '@modelcontextprotocol/server';

const object = (properties, required = Object.keys(properties)) => fromJsonSchema({ type: 'object', properties, required });

let aborted = 0;
let grown = false;

function factory() {
  const server = new McpServer({ name: 'modern-only-upstream', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes text', inputSchema: object({ text: { type: 'string' } }) },
    async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }));
  server.registerTool('confirm', { description: 'Asks the user to confirm (elicitation, multi-round-trip)',
      inputSchema: object({ action: { type: 'string' } }) },
    async ({ action }, ctx) => {
      const answer = ctx.mcpReq.inputResponses?.confirm;
      if (!answer) {
        return inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message: `Really ${action}?`,
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }) } });
      }
      const content = acceptedContent(ctx.mcpReq.inputResponses, 'confirm');
      return { content: [{ type: 'text', text: content ? `confirmed ${action}: ${JSON.stringify(content)}` : `declined ${action}: ${answer.action}` }] };
    });
  server.registerTool('sample', { description: 'Asks the client model (sampling, multi-round-trip)',
      inputSchema: object({ prompt: { type: 'string' } }) },
    async ({ prompt }, ctx) => {
      const answer = ctx.mcpReq.inputResponses?.llm;
      if (!answer) {
        return inputRequired({ inputRequests: { llm: inputRequired.createMessage({ maxTokens: 50,
          messages: [{ role: 'user', content: { type: 'text', text: prompt } }] }) } });
      }
      return { content: [{ type: 'text', text: `model said: ${answer.content?.text}` }] };
    });
  server.registerTool('count', { description: 'Counts to n with progress', inputSchema: object({ n: { type: 'number' } }) },
    async ({ n }, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= n; i++) {
        if (token !== undefined) {
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: n } });
        }
        await new Promise(r => setTimeout(r, 20));
      }
      return { content: [{ type: 'text', text: `counted to ${n}` }] };
    });
  server.registerTool('wait', { description: 'Waits until cancelled (at most 30 s)', inputSchema: object({}) },
    async (_args, ctx) => {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 30000);
        ctx.mcpReq.signal.addEventListener('abort', () => { aborted++; clearTimeout(timer); resolve(); });
      });
      return { content: [{ type: 'text', text: 'waited to the end' }] };
    });
  server.registerTool('aborted', { description: 'How many waits were cancelled', inputSchema: object({}) },
    async () => ({ content: [{ type: 'text', text: String(aborted) }] }));
  server.registerTool('grow', { description: 'Adds the tool "late" and says so on subscriptions/listen', inputSchema: object({}) },
    async () => {
      grown = true;
      setTimeout(() => handler.notify.toolsChanged(), 50);
      return { content: [{ type: 'text', text: 'grown' }] };
    });
  if (grown) {
    server.registerTool('late', { description: 'Exists once "grow" ran', inputSchema: object({}) },
      async () => ({ content: [{ type: 'text', text: 'late but here' }] }));
  }
  return server;
}

const handler = createMcpHandler(factory, { legacy: 'reject' });

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const body = ['GET', 'HEAD'].includes(req.method) ? undefined : Buffer.concat(chunks);
  // A client that goes away (a 2026-07-28 cancellation closes the request) aborts the handler's signal.
  const gone = new AbortController();
  res.on('close', () => { if (!res.writableFinished) gone.abort(); });
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body, signal: gone.signal });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) {
    for await (const chunk of response.body) res.write(chunk);
  }
  res.end();
});
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
