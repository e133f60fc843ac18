package dev.mcpauth.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The first thing wrong with a JSON-RPC message received from a client, as every front answers it: a parse error
 * ({@value #PARSE_ERROR}), an invalid envelope ({@value #INVALID_REQUEST}) or params of the wrong shape for a known
 * method ({@value #INVALID_PARAMS}). The message names the field; it never carries a Java type or exception text.
 *
 * @param code         the JSON-RPC error code
 * @param id           the request's id when it is a valid one, else null (JSON-RPC 2.0 section 5)
 * @param message      what is wrong, naming the field, e.g. {@code Invalid params: params.arguments must be an object}
 * @param notification whether the message was a notification: over stdio it gets no answer (JSON-RPC 2.0 section 4.1)
 */
public record InvalidMessage(int code, JsonNode id, String message, boolean notification) {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int INVALID_PARAMS = -32602;

    static InvalidMessage parseError(String message) {
        return new InvalidMessage(PARSE_ERROR, null, message, false);
    }

    /** The JSON-RPC error response: {@code {"jsonrpc":"2.0","id":..,"error":{"code":..,"message":..}}}. */
    public ObjectNode response() {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }
}
