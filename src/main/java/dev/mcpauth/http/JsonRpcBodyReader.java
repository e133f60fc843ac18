package dev.mcpauth.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.jsonrpc.InvalidMessage;
import dev.mcpauth.jsonrpc.JsonRpcMessages;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the Streamable HTTP request shape and reads a POSTed body once, size-limited, into
 * {@link Exchanges#JSON_RPC_BODY} for the policy and the MCP transport (MCP transports, "Sending Messages").
 * <ul>
 *   <li>POST: {@code Content-Type: application/json} (else 415); {@code Accept} lists both
 *       {@code application/json} and {@code text/event-stream} (else 406); over the limit, 413; then the body passes
 *       {@link JsonRpcMessages}, the gate every front shares: one JSON value (else 400, parse error -32700), one
 *       JSON-RPC 2.0 message (else 400, invalid request -32600; batches included), its params of the shape its
 *       method needs (else 400, invalid params -32602). Only then does any front, the policy or the SDK see it.</li>
 *   <li>GET: {@code Accept} lists {@code text/event-stream} (else 406).</li>
 *   <li>Anything else passes through untouched.</li>
 * </ul>
 * Reads block: run this after {@link VirtualThreadDispatch}.
 */
public final class JsonRpcBodyReader implements HttpHandler {

    static final String APPLICATION_JSON = "application/json";
    static final String TEXT_EVENT_STREAM = "text/event-stream";

    private static final Logger LOG = LoggerFactory.getLogger(JsonRpcBodyReader.class);

    private final long maxBodyBytes;
    private final HttpHandler next;

    public JsonRpcBodyReader(long maxBodyBytes, HttpHandler next) {
        this.maxBodyBytes = maxBodyBytes;
        this.next = Objects.requireNonNull(next);
    }

    public JsonRpcBodyReader(HttpHandler next) {
        this(RequestLimits.DEFAULT_MAX_BODY_BYTES, next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HttpString method = exchange.getRequestMethod();
        if (method.equals(Methods.GET) && !accepts(exchange, TEXT_EVENT_STREAM)) {
            JsonErrors.send(exchange, 406, "not_acceptable",
                    "GET on the MCP endpoint opens an SSE stream: send 'Accept: text/event-stream'");
            return;
        }
        if (!method.equals(Methods.POST)) {
            next.handleRequest(exchange);
            return;
        }
        if (!isJson(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))) {
            JsonErrors.send(exchange, 415, "unsupported_media_type",
                    "MCP messages are JSON-RPC: send them with 'Content-Type: application/json'");
            return;
        }
        if (!accepts(exchange, APPLICATION_JSON) || !accepts(exchange, TEXT_EVENT_STREAM)) {
            JsonErrors.send(exchange, 406, "not_acceptable",
                    "The server may answer with JSON or an SSE stream: send 'Accept: application/json, text/event-stream'");
            return;
        }
        byte[] bytes = readBody(exchange);
        if (bytes == null) {
            return;
        }
        JsonNode json;
        try {
            json = JsonRpcMessages.parse(bytes);
        } catch (JsonRpcMessages.ParseError e) {
            refuse(exchange, e.invalid());
            return;
        }
        Optional<InvalidMessage> invalid = JsonRpcMessages.problem(json);
        if (invalid.isPresent()) {
            refuse(exchange, invalid.get());
            return;
        }
        exchange.putAttachment(Exchanges.JSON_RPC_BODY, new JsonRpcBody(bytes, json));
        next.handleRequest(exchange);
    }

    /** The whole body, or null after answering 413 when it passes the limit (chunked bodies have no length up front). */
    private byte[] readBody(HttpServerExchange exchange) throws IOException {
        if (exchange.isInIoThread()) {
            throw new IllegalStateException("JsonRpcBodyReader blocks: put it after VirtualThreadDispatch");
        }
        long declared = exchange.getRequestContentLength();
        try {
            InputStream in = exchange.getInputStream();
            if (declared >= 0 && declared <= maxBodyBytes) {
                // The usual case: one array of exactly the declared size (Undertow ends the stream at Content-Length).
                return in.readNBytes((int) declared);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > maxBodyBytes) {
                    RequestLimits.tooLarge(exchange, maxBodyBytes);
                    return null;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (RequestTooBigException e) {
            RequestLimits.tooLarge(exchange, maxBodyBytes);
            return null;
        }
    }

    /**
     * 400 with the JSON-RPC error as the body, for a parse error, an invalid request or invalid params alike: what the
     * Streamable HTTP transport asks for input the server cannot accept, and what the SDKs answer.
     */
    private static void refuse(HttpServerExchange exchange, InvalidMessage invalid) {
        LOG.debug("refused a POSTed message: {}", invalid.message());
        JsonErrors.sendJson(exchange, 400, invalid.response());
    }

    /** {@code application/json}, with or without parameters such as {@code charset=utf-8}. */
    static boolean isJson(String contentType) {
        return contentType != null && mediaType(contentType).equals(APPLICATION_JSON);
    }

    /**
     * Whether an {@code Accept} header lists {@code type} itself with a non-zero quality (RFC 9110 section 12.5.1).
     * Wildcards do not count: the spec requires clients to list both types, and the TypeScript SDK (and the
     * Inspector, which uses it), the Python SDK and the Java SDK all do.
     */
    static boolean accepts(HttpServerExchange exchange, String type) {
        var values = exchange.getRequestHeaders().get(Headers.ACCEPT);
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String range : value.split(",")) {
                if (mediaType(range).equals(type) && quality(range) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String mediaType(String value) {
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static double quality(String range) {
        String[] parts = range.split(";");
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip();
            if (param.regionMatches(true, 0, "q=", 0, 2)) {
                try {
                    return Double.parseDouble(param.substring(2).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
