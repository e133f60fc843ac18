package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

/** JSON-RPC messages as trees, the form in which the relay passes them on unchanged (no field is lost to a type). */
public final class RelayMessages {

    private RelayMessages() {
    }

    public static ObjectNode result(Object id, JsonNode result) {
        ObjectNode message = envelope(id);
        message.set("result", result == null ? JsonNodeFactory.instance.objectNode() : result);
        return message;
    }

    public static ObjectNode error(Object id, int code, String text, Object data) {
        ObjectNode message = envelope(id);
        ObjectNode error = message.putObject("error");
        error.put("code", code);
        error.put("message", text);
        if (data != null) {
            error.set("data", Json.shared().valueToTree(data));
        }
        return message;
    }

    /** A notification: {@code {"jsonrpc":"2.0","method":..,"params":..}} (params left out when null). */
    public static ObjectNode notification(String method, JsonNode params) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("jsonrpc", "2.0");
        message.put("method", method);
        if (params != null && !params.isNull()) {
            message.set("params", params);
        }
        return message;
    }

    /** A request under {@code id}. */
    public static ObjectNode request(Object id, String method, JsonNode params) {
        ObjectNode message = envelope(id);
        message.put("method", method);
        if (params != null && !params.isNull()) {
            message.set("params", params);
        }
        return message;
    }

    public static ObjectNode error(Object id, McpError e) {
        McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
        return error == null ? error(id, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error", null)
                : error(id, error.code(), error.message(), error.data());
    }

    /** A response message with its id replaced (an upstream's answer, returned under the client's id). */
    public static ObjectNode withId(JsonNode response, Object id) {
        ObjectNode copy = response.deepCopy();
        copy.set("id", Json.shared().valueToTree(id));
        return copy;
    }

    /**
     * A JSON-RPC id as a map key: ids compare by value, so 7 (however a parser typed it: Integer, Long) and 7L are
     * the same request; "7" is another.
     */
    public static Object idKey(Object id) {
        return id instanceof Number n ? (Object) n.longValue() : id;
    }

    /** The SDK's response record as a tree (for a client's answer to a relayed request). */
    public static ObjectNode of(McpSchema.JSONRPCResponse response) {
        if (response.error() != null) {
            return error(response.id(), response.error().code(), response.error().message(), response.error().data());
        }
        return result(response.id(), Json.shared().valueToTree(response.result()));
    }

    /** The answer in a response tree: its result, or an {@link McpError} carrying its error unchanged. */
    public static JsonNode resultOrThrow(JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            JsonNode data = error.get("data");
            throw McpError.builder(error.path("code").asInt(McpSchema.ErrorCodes.INTERNAL_ERROR))
                    .message(error.path("message").asText("Upstream error"))
                    .data(data == null || data.isNull() ? null : Json.shared().convertValue(data, Object.class)).build();
        }
        JsonNode result = response.get("result");
        return result == null ? JsonNodeFactory.instance.objectNode() : result;
    }

    /** A response tree (result or error) as the SDK's record, to write on a stream. */
    public static McpSchema.JSONRPCResponse toRecord(JsonNode message) {
        Object id = Json.id(message.get("id"));
        JsonNode error = message.get("error");
        if (error != null && !error.isNull()) {
            JsonNode data = error.get("data");
            return new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, null, new McpSchema.JSONRPCResponse.JSONRPCError(
                    error.path("code").asInt(), error.path("message").asText(""), data == null ? null : Json.shared().convertValue(data, Object.class)));
        }
        return new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, Json.shared().convertValue(message.get("result"), Object.class), null);
    }

    private static ObjectNode envelope(Object id) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("jsonrpc", "2.0");
        message.set("id", Json.shared().valueToTree(id));
        return message;
    }
}
