package dev.mcpauth.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.util.Optional;

/**
 * MCP's request metadata headers against the body, for every protocol era: {@code Mcp-Method} mirrors the method and
 * {@code Mcp-Name} the tool, prompt or resource the request names, so that intermediaries can route on them. A header
 * that is present MUST equal the body ("Server Validation"), or a router and this gateway could act on two different
 * requests; in MCP 2026-07-28 both are also required. The one comparison of both eras: the 2025 front
 * ({@code ToolPolicyHandler}) and the 2026-07-28 one ({@code ModernHeaderValidator}) differ only in {@code required}.
 * A mismatch is answered with {@code 400} and JSON-RPC error {@value #HEADER_MISMATCH} (HeaderMismatch).
 */
public final class MetadataHeaders {

    public static final int HEADER_MISMATCH = -32020;

    private static final HttpString METHOD = HttpString.tryFromString("Mcp-Method");
    private static final HttpString NAME = HttpString.tryFromString("Mcp-Name");

    private MetadataHeaders() {
    }

    /**
     * The member of params that {@code Mcp-Name} carries: {@code name} for {@code tools/call} and {@code prompts/get},
     * {@code uri} for a request about one resource; null for a method that names nothing.
     */
    public static String nameField(String method) {
        return switch (method) {
            case "tools/call", "prompts/get" -> "name";
            case "resources/read", "resources/subscribe", "resources/unsubscribe" -> "uri";
            default -> null;
        };
    }

    /**
     * What is wrong with the headers of one request (a JSON object with a method), or empty.
     *
     * @param required whether absent headers are wrong too (2026-07-28: {@code Mcp-Method} on every request,
     *                 {@code Mcp-Name} on one that names something)
     */
    public static Optional<String> problem(HeaderMap headers, JsonNode message, boolean required) {
        String method = message.path("method").asText();
        String headerMethod = headers.getFirst(METHOD);
        if (headerMethod == null && required) {
            return Optional.of("the Mcp-Method header is required on every request; send 'Mcp-Method: " + method + "'");
        }
        if (headerMethod != null && !headerMethod.equals(method)) {
            return Optional.of("Mcp-Method header value '" + printable(headerMethod) + "' does not match body method '" + method + "'");
        }
        String field = nameField(method);
        String header = headers.getFirst(NAME);
        if (field == null) {
            return Optional.empty();
        }
        if (header == null) {
            return required ? Optional.of("the Mcp-Name header is required on " + method + " and must carry params." + field) : Optional.empty();
        }
        String decoded = HeaderValueEncoding.decode(header);
        if (decoded == null) {
            return Optional.of("the Mcp-Name header holds characters a header may not carry or bad Base64; encode it as =?base64?...?=");
        }
        JsonNode bodyName = message.path("params").path(field);
        if (!bodyName.isTextual() || !decoded.equals(bodyName.asText())) {
            return Optional.of("Mcp-Name header value does not match the body's params." + field);
        }
        return Optional.empty();
    }

    /** A header value for an error message: never echo control characters back. */
    public static String printable(String value) {
        return HeaderValueEncoding.isFieldValue(value) && value.length() <= 200 ? value : "(not printable)";
    }
}
