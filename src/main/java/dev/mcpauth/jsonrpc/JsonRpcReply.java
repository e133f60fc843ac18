package dev.mcpauth.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The answer to one request: a JSON-RPC response, and the HTTP status it travels with on Streamable HTTP (200 for
 * results and errors of the method itself; 400 and 404 where the 2026-07-28 transport says so).
 *
 * @param status  the HTTP status (stdio ignores it)
 * @param message the JSON-RPC response object
 */
public record JsonRpcReply(int status, ObjectNode message) {

    /** A result response: {@code {"jsonrpc":"2.0","id":id,"result":result}}. */
    public static JsonRpcReply result(JsonNode id, ObjectNode result) {
        ObjectNode message = envelope(id);
        message.set("result", result);
        return new JsonRpcReply(200, message);
    }

    /** An error response; {@code data} may be null. */
    public static JsonRpcReply error(int status, JsonNode id, int code, String text, JsonNode data) {
        ObjectNode message = envelope(id);
        ObjectNode error = message.putObject("error");
        error.put("code", code);
        error.put("message", text);
        if (data != null && !data.isNull()) {
            error.set("data", data);
        }
        return new JsonRpcReply(status, message);
    }

    public boolean isError() {
        return message.has("error");
    }

    private static ObjectNode envelope(JsonNode id) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("jsonrpc", "2.0");
        message.set("id", id == null || id.isMissingNode() ? JsonNodeFactory.instance.nullNode() : id);
        return message;
    }
}
