package dev.mcpauth.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Map;

/**
 * Every error the gateway sends over HTTP is JSON and names the problem. Two shapes:
 * OAuth-style ({@code error}, {@code error_description}) for auth and HTTP-level failures, and JSON-RPC
 * errors for failures inside the MCP protocol. No stack trace ever leaves the process.
 */
public final class JsonErrors {

    public static final ObjectMapper MAPPER = Json.shared();

    private JsonErrors() {
    }

    /** {@code {"error": code, "error_description": description, ...extra}} with the given status. */
    public static void send(HttpServerExchange exchange, int status, String code, String description, Map<String, ?> extra) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("error", code);
        body.put("error_description", description);
        if (extra != null) {
            extra.forEach((k, v) -> body.set(k, MAPPER.valueToTree(v)));
        }
        sendJson(exchange, status, body);
    }

    public static void send(HttpServerExchange exchange, int status, String code, String description) {
        send(exchange, status, code, description, null);
    }

    /**
     * A JSON-RPC 2.0 error response: {@code {"jsonrpc":"2.0","id":id,"error":{"code":..,"message":..,"data":..}}}.
     * {@code id} may be null (parse errors, or a request whose id could not be read).
     */
    public static void sendJsonRpc(HttpServerExchange exchange, int status, Object id, int code, String message, Object data) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("jsonrpc", "2.0");
        body.set("id", MAPPER.valueToTree(id));
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.set("data", MAPPER.valueToTree(data));
        }
        sendJson(exchange, status, body);
    }

    public static void sendJson(HttpServerExchange exchange, int status, Object body) {
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (Exception e) {
            bytes = "{\"error\":\"server_error\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        if (exchange.isBlocking() && !exchange.isInIoThread()) {
            // Ended from the IO thread like a success (IoThreadSend): ended here, every refused request (401, 429)
            // set the IO thread spinning and cost more CPU than an accepted one. That needs the body read first.
            if (drainRequestBody(exchange)) {
                IoThreadSend.send(exchange, java.nio.ByteBuffer.wrap(bytes));
            } else {
                sendBlocking(exchange, bytes);
            }
            return;
        }
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
    }

    /**
     * On a blocking exchange the response is written and closed before the exchange ends: ending it first drains
     * (or, over the entity limit, cuts) an unread request body, and the buffered answer would be lost with it.
     */
    private static void sendBlocking(HttpServerExchange exchange, byte[] bytes) {
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        try (java.io.OutputStream out = exchange.getOutputStream()) {
            out.write(bytes);
        } catch (java.io.IOException e) {
            // The client went away; nothing more can be said to it.
        }
        exchange.endExchange();
    }

    /** Reads and drops what is left of the request body; false when it cannot be read whole (over the entity limit). */
    private static boolean drainRequestBody(HttpServerExchange exchange) {
        if (exchange.isRequestComplete()) {
            return true;
        }
        try {
            exchange.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
