package dev.mcpauth.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.HeaderValueEncoding;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/**
 * MCP 2026-07-28 request metadata: {@code Mcp-Method} and {@code Mcp-Name} mirror the body so intermediaries can
 * route on them. When present they MUST match the body, or a router and this gateway could act on different
 * tools ("Server Validation"); a mismatch is {@code 400} with JSON-RPC error {@code -32020} (HeaderMismatch).
 * Whether the headers are required is a question of protocol era, decided by the MCP transport.
 */
final class RequestMetadataHeaders {

    static final HttpString MCP_METHOD = HttpString.tryFromString("Mcp-Method");
    static final HttpString MCP_NAME = HttpString.tryFromString("Mcp-Name");
    static final int HEADER_MISMATCH = -32020;

    private RequestMetadataHeaders() {
    }

    /** True when the headers are absent or match; otherwise answers 400 and returns false. */
    static boolean matchBody(HttpServerExchange exchange, JsonNode json) {
        String method = exchange.getRequestHeaders().getFirst(MCP_METHOD);
        String name = exchange.getRequestHeaders().getFirst(MCP_NAME);
        if (method == null && name == null) {
            return true;
        }
        if (!json.isObject()) {
            return mismatch(exchange, null, "Mcp-Method and Mcp-Name describe a single JSON-RPC message, not a batch");
        }
        String bodyMethod = json.path("method").asText(null);
        if (method != null && !method.equals(bodyMethod)) {
            return mismatch(exchange, json, "Mcp-Method header value '" + method + "' does not match body method '" + bodyMethod + "'");
        }
        if (name != null) {
            String decoded = HeaderValueEncoding.decode(name);
            String bodyName = bodyName(json.path("params"));
            if (decoded == null || !decoded.equals(bodyName)) {
                return mismatch(exchange, json, "Mcp-Name header value does not match the body's params.name or params.uri");
            }
        }
        return true;
    }

    /** {@code params.name} (tools/call, prompts/get) or {@code params.uri} (resources/read). */
    private static String bodyName(JsonNode params) {
        if (params.path("name").isTextual()) {
            return params.path("name").asText();
        }
        return params.path("uri").isTextual() ? params.path("uri").asText() : null;
    }

    private static boolean mismatch(HttpServerExchange exchange, JsonNode message, String detail) {
        JsonErrors.sendJsonRpc(exchange, 400, message == null ? null : ToolPolicyHandler.idOf(message),
                HEADER_MISMATCH, "Header mismatch: " + detail, null);
        return false;
    }
}
