package dev.mcpauth.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The JSON-RPC 2.0 envelope as MCP uses it (MCP basic/index "Messages"; JSON-RPC 2.0 sections 4 and 5): one object,
 * {@code "jsonrpc": "2.0"} exactly, a string {@code method} and a string or integer {@code id} on a request, an object
 * {@code params} when present, and on a response an {@code id} with exactly one of {@code result} or {@code error}.
 * Batches were removed in MCP 2025-06-18 and the 2026-07-28 revision takes one message per request; the gateway never
 * served them in any revision, so a JSON array is refused whole. Anything else is {@value InvalidMessage#INVALID_REQUEST}.
 */
final class Envelope {

    static final String VERSION = "2.0";

    private Envelope() {
    }

    static Optional<InvalidMessage> problem(JsonNode message) {
        if (message.isArray()) {
            return invalid(null, "JSON-RPC batches are not supported: send one message (a JSON object) per request", false);
        }
        if (!message.isObject()) {
            return invalid(null, "a JSON-RPC message is a JSON object", false);
        }
        JsonNode id = validId(message.get("id"));
        boolean notification = !message.has("id") && message.has("method");
        JsonNode version = message.get("jsonrpc");
        if (version == null || !version.isTextual() || !VERSION.equals(version.textValue())) {
            return invalid(id, "jsonrpc must be \"2.0\"", notification);
        }
        return message.has("method") ? requestProblem(message, id, notification) : responseProblem(message, id);
    }

    /** A request (with an id) or a notification (without). */
    private static Optional<InvalidMessage> requestProblem(JsonNode message, JsonNode id, boolean notification) {
        JsonNode method = message.get("method");
        if (!method.isTextual() || method.textValue().isEmpty()) {
            return invalid(id, "method must be a non-empty string", notification);
        }
        if (message.has("id") && id == null) {
            return invalid(null, "id must be a string or an integer" + (message.get("id").isNull() ? ", not null" : ""), false);
        }
        JsonNode params = message.get("params");
        if (params != null && !params.isObject()) {
            return invalid(id, "params must be an object when present", notification);
        }
        if (message.has("result") || message.has("error")) {
            return invalid(id, "a request or notification carries no result or error", notification);
        }
        return Optional.empty();
    }

    /** A client's answer to a server request (sampling, elicitation, roots): an id and exactly one of result or error. */
    private static Optional<InvalidMessage> responseProblem(JsonNode message, JsonNode id) {
        JsonNode result = message.get("result");
        JsonNode error = message.get("error");
        if ((result == null) == (error == null)) {
            return invalid(id, "a message needs a string method (a request or notification), or an id and exactly one of"
                    + " result or error (a response)", false);
        }
        // JSON-RPC lets an error answer a request whose id could not be read with a null id; the server never sends
        // such a request, so from a client that is no answer to anything (and the SDK refuses it).
        if (id == null) {
            return invalid(null, "id must be a string or an integer", false);
        }
        if (result != null && !result.isObject()) {
            return invalid(id, "result must be an object", false);
        }
        if (error != null) {
            if (!error.isObject()) {
                return invalid(id, "error must be an object", false);
            }
            if (!error.path("code").isIntegralNumber() || !error.path("code").canConvertToInt()) {
                return invalid(id, "error.code must be an integer", false);
            }
            if (!error.path("message").isTextual()) {
                return invalid(id, "error.message must be a string", false);
            }
        }
        return Optional.empty();
    }

    /**
     * The id when it is one MCP allows: a string or an integer that fits in 64 bits (MCP: {@code RequestId = string |
     * number}; JSON-RPC 2.0: numbers SHOULD NOT have fractional parts; every front keeps ids as such).
     */
    static JsonNode validId(JsonNode id) {
        if (id == null) {
            return null;
        }
        return id.isTextual() || id.isIntegralNumber() && id.canConvertToLong() ? id : null;
    }

    private static Optional<InvalidMessage> invalid(JsonNode id, String what, boolean notification) {
        return Optional.of(new InvalidMessage(InvalidMessage.INVALID_REQUEST, id, "Invalid Request: " + what, notification));
    }
}
