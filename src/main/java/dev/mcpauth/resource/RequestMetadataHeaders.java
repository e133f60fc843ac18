package dev.mcpauth.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.http.MetadataHeaders;
import io.undertow.server.HttpServerExchange;
import java.util.Optional;

/**
 * The request metadata headers ({@code Mcp-Method}, {@code Mcp-Name}) on a request of the 2025 revisions: optional,
 * but when a client (or a router in front) sends them they must match the body ({@link MetadataHeaders}, the same
 * comparison the 2026-07-28 front makes with the headers required).
 */
final class RequestMetadataHeaders {

    private RequestMetadataHeaders() {
    }

    /** True when the headers are absent or match; otherwise answers 400 and returns false. */
    static boolean matchBody(HttpServerExchange exchange, JsonNode json) {
        if (!json.isObject()) {
            boolean described = exchange.getRequestHeaders().contains("Mcp-Method") || exchange.getRequestHeaders().contains("Mcp-Name");
            return !described || mismatch(exchange, null, "Mcp-Method and Mcp-Name describe a single JSON-RPC message, not a batch");
        }
        Optional<String> problem = MetadataHeaders.problem(exchange.getRequestHeaders(), json, false);
        return problem.isEmpty() || mismatch(exchange, json, problem.get());
    }

    private static boolean mismatch(HttpServerExchange exchange, JsonNode message, String detail) {
        JsonErrors.sendJsonRpc(exchange, 400, message == null ? null : ToolPolicyHandler.idOf(message),
                MetadataHeaders.HEADER_MISMATCH, "Header mismatch: " + detail, null);
        return false;
    }
}
