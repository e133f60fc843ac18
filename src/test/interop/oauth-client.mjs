// Drives the whole MCP authorization flow with the official TypeScript SDK's OAuth support against a
// server whose authorization server auto-approves: 401 -> RFC 9728 discovery -> RFC 8414 metadata ->
// dynamic client registration -> PKCE S256 authorization -> code exchange -> tools/call -> refresh.
// The "browser" is a plain fetch of the authorization URL that reads the redirect's code.
// usage: node oauth-client.mjs <mcp-url> <scope> <tool> <arguments-json>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError, refreshAuthorization, discoverAuthorizationServerMetadata } from "@modelcontextprotocol/sdk/client/auth.js";

const [url, scope, tool, argsJson] = process.argv.slice(2);
const redirectUrl = "http://127.0.0.1:53682/callback";
const out = { steps: [] };
let pendingCode = null;

class Provider {
  constructor() { this._tokens = undefined; this._client = undefined; this._verifier = undefined; }
  get redirectUrl() { return redirectUrl; }
  get clientMetadata() {
    return { client_name: "interop-oauth-client", redirect_uris: [redirectUrl], grant_types: ["authorization_code", "refresh_token"],
             response_types: ["code"], token_endpoint_auth_method: "none", scope };
  }
  clientInformation() { return this._client; }
  saveClientInformation(info) { this._client = info; out.steps.push("registered"); }
  tokens() { return this._tokens; }
  saveTokens(t) { this._tokens = t; out.steps.push("tokens"); }
  saveCodeVerifier(v) { this._verifier = v; }
  codeVerifier() { return this._verifier; }
  async redirectToAuthorization(authUrl) {
    out.steps.push("authorize");
    out.authorizationUrl = authUrl.toString();
    const res = await fetch(authUrl, { redirect: "manual" });
    const location = res.headers.get("location");
    if (!location) throw new Error(`authorization did not redirect (status ${res.status})`);
    const cb = new URL(location);
    out.callbackIss = cb.searchParams.get("iss");
    pendingCode = cb.searchParams.get("code");
    if (!pendingCode) throw new Error(`authorization failed: ${cb.searchParams.get("error")}`);
  }
}

const provider = new Provider();
const makeTransport = () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
try {
  let client = new Client({ name: "interop-oauth-client", version: "1.0.0" });
  let transport = makeTransport();
  try {
    await client.connect(transport);
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    out.steps.push("unauthorized");
    await transport.finishAuth(pendingCode);
    client = new Client({ name: "interop-oauth-client", version: "1.0.0" });
    transport = makeTransport();
    await client.connect(transport);
  }
  out.steps.push("connected");
  out.tools = (await client.listTools()).tools.map((t) => t.name);
  out.call = await client.callTool({ name: tool, arguments: JSON.parse(argsJson ?? "{}") });
  await client.close();

  const issuer = new URL(provider._tokens && out.callbackIss ? out.callbackIss : url).toString();
  const metadata = await discoverAuthorizationServerMetadata(out.callbackIss ?? issuer);
  const refreshed = await refreshAuthorization(metadata.issuer, {
    metadata, clientInformation: provider._client, refreshToken: provider._tokens.refresh_token,
  });
  out.refreshed = { rotated: refreshed.refresh_token !== provider._tokens.refresh_token, hasAccessToken: !!refreshed.access_token };
  provider.saveTokens(refreshed);
  client = new Client({ name: "interop-oauth-client", version: "1.0.0" });
  transport = makeTransport();
  await client.connect(transport);
  out.callAfterRefresh = await client.callTool({ name: tool, arguments: JSON.parse(argsJson ?? "{}") });
  await client.close();
} catch (e) {
  out.error = { name: e?.constructor?.name, message: String(e?.message ?? e) };
}
console.log(JSON.stringify(out));
process.exit(0);
