package dev.mcpauth.modern;

import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/** Hand-built MCP 2026-07-28 requests, so each header rule can be broken one at a time. */
final class ModernRequests {

    static final String VERSION = "2026-07-28";

    private ModernRequests() {
    }

    /** A modern JSON-RPC request; {@code params} is the JSON of the params without {@code _meta} ("" for none). */
    static String body(Object id, String method, String params) {
        return body(id, method, params, VERSION, "\"io.modelcontextprotocol/clientCapabilities\":{}");
    }

    static String body(Object id, String method, String params, String version, String extraMeta) {
        String idJson = id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + version + "\""
                + (extraMeta.isEmpty() ? "" : "," + extraMeta)
                + ",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"java-test\",\"version\":\"1\"}}";
        String allParams = params.isEmpty() ? "{" + meta + "}" : "{" + params + "," + meta + "}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\",\"params\":" + allParams + "}";
    }

    static String toolCall(Object id, String tool, String arguments) {
        return body(id, "tools/call", "\"name\":\"" + tool + "\",\"arguments\":" + arguments);
    }

    /** A POST with every header a conforming client sends; tests remove or change one. */
    static HttpRequest.Builder post(TestGateway gw, String token, String method, String name, String body) {
        HttpRequest.Builder b = bare(gw, token, body).header("MCP-Protocol-Version", VERSION).header("Mcp-Method", method);
        return name == null ? b : b.header("Mcp-Name", name);
    }

    /** A POST with only the HTTP-level headers (content type, accept, token). */
    static HttpRequest.Builder bare(TestGateway gw, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.mcpUrl()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }
}
