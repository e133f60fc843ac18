package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.http.JsonRpcBody;
import dev.mcpauth.jsonrpc.InvalidMessage;
import dev.mcpauth.jsonrpc.JsonRpcMessages;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** What both HTTP transports do alike: get off the IO thread, read and parse one JSON-RPC message, answer errors as JSON. */
final class JsonRpcHttp {

    static final String APPLICATION_JSON = "application/json";
    static final String TEXT_EVENT_STREAM = "text/event-stream";

    /** Default cap on a POST body the chain did not read for us. */
    static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    /** Blocking work (the SDK's {@code block()}, tools) runs on virtual threads, never on an Undertow IO thread. */
    private static final ExecutorService VIRTUAL_THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private JsonRpcHttp() {
    }

    /** A request that cannot be served, with the HTTP status and JSON-RPC code to answer it with. */
    static final class BadMessage extends Exception {
        final int status;
        final int code;
        final transient JsonNode id;

        BadMessage(int status, int code, String message) {
            this(status, code, message, null);
        }

        BadMessage(int status, int code, String message, JsonNode id) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.id = id;
        }

        /** The edge's refusal, as a transport mounted without the chain's body reader answers it. */
        static BadMessage of(InvalidMessage invalid) {
            return new BadMessage(StatusCodes.BAD_REQUEST, invalid.code(), invalid.message(), invalid.id());
        }
    }

    /**
     * Re-dispatches the exchange to a virtual thread in blocking mode when called on an IO thread (the handler was
     * mounted without the gateway's blocking dispatch). Returns true if the caller must return at once.
     */
    static boolean dispatchedOffIoThread(HttpServerExchange exchange, HttpHandler handler) {
        if (!exchange.isInIoThread()) {
            if (!exchange.isBlocking()) {
                exchange.startBlocking();
            }
            return false;
        }
        exchange.startBlocking();
        exchange.dispatch(VIRTUAL_THREADS, handler);
        return true;
    }

    /** Whether the Accept header admits {@code mediaType}; no Accept header admits anything (RFC 9110 section 12.5.1). */
    static boolean accepts(HttpServerExchange exchange, String mediaType) {
        var values = exchange.getRequestHeaders().get(Headers.ACCEPT);
        if (values == null || values.isEmpty()) {
            return true;
        }
        String type = mediaType.substring(0, mediaType.indexOf('/'));
        for (String header : values) {
            for (String range : header.split(",")) {
                String r = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (r.equals(mediaType) || r.equals("*/*") || r.equals(type + "/*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether every media type in {@code mediaTypes} is acceptable, else a 406 naming them. */
    static void requireAccept(HttpServerExchange exchange, List<String> mediaTypes) throws BadMessage {
        for (String mediaType : mediaTypes) {
            if (!accepts(exchange, mediaType)) {
                throw new BadMessage(StatusCodes.NOT_ACCEPTABLE, McpSchema.ErrorCodes.INVALID_REQUEST,
                        "The Accept header must list " + String.join(" and ", mediaTypes) + " (MCP Streamable HTTP transport)");
            }
        }
    }

    /** Spec: an invalid or unsupported MCP-Protocol-Version header gets 400 Bad Request. */
    static void requireSupportedProtocolVersion(HttpServerExchange exchange, List<String> supported) throws BadMessage {
        String version = exchange.getRequestHeaders().getFirst(HttpHeaders.PROTOCOL_VERSION);
        if (version != null && !supported.contains(version)) {
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Unsupported MCP-Protocol-Version '" + printable(version) + "'; supported: " + String.join(", ", supported));
        }
    }

    /** A client-supplied value, safe to echo in an error message. */
    static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }

    /** Reads the POSTed message as a tree: exactly one JSON-RPC request, notification or response, envelope checked. */
    static JsonNode readJson(HttpServerExchange exchange, int maxBodyBytes) throws BadMessage {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(APPLICATION_JSON)) {
            throw new BadMessage(StatusCodes.UNSUPPORTED_MEDIA_TYPE, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Content-Type must be application/json");
        }
        JsonRpcBody body = exchange.getAttachment(Exchanges.JSON_RPC_BODY);
        // The chain's JsonRpcBodyReader already put the body through the edge's gate; mounted alone, do it here.
        return body != null ? body.json() : checked(readBounded(exchange, maxBodyBytes));
    }

    /** A JSON-RPC error body (id null: the transport answers before any request id is known). */
    static void sendError(HttpServerExchange exchange, BadMessage bad) {
        sendError(exchange, bad.status, bad.id, bad.code, bad.getMessage());
    }

    static void sendError(HttpServerExchange exchange, int status, Object id, int code, String message) {
        JsonErrors.sendJsonRpc(exchange, status, id, code, message, null);
    }

    static void methodNotAllowed(HttpServerExchange exchange, String allow, String why) {
        exchange.getResponseHeaders().put(Headers.ALLOW, allow);
        JsonErrors.send(exchange, StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", why);
    }

    private static byte[] readBounded(HttpServerExchange exchange, int maxBodyBytes) throws BadMessage {
        long declared = exchange.getRequestContentLength();
        if (declared > maxBodyBytes) {
            throw tooLarge(maxBodyBytes);
        }
        try (InputStream in = exchange.getInputStream()) {
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge(maxBodyBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.PARSE_ERROR, "The request body could not be read");
        }
    }

    private static JsonNode checked(byte[] bytes) throws BadMessage {
        JsonNode json;
        try {
            json = JsonRpcMessages.parse(bytes);
        } catch (JsonRpcMessages.ParseError e) {
            throw BadMessage.of(e.invalid());
        }
        Optional<InvalidMessage> invalid = JsonRpcMessages.problem(json);
        if (invalid.isPresent()) {
            throw BadMessage.of(invalid.get());
        }
        return json;
    }

    private static BadMessage tooLarge(int maxBodyBytes) {
        return new BadMessage(StatusCodes.REQUEST_ENTITY_TOO_LARGE, McpSchema.ErrorCodes.INVALID_REQUEST,
                "The request body exceeds " + maxBodyBytes + " bytes");
    }
}
