package dev.mcpauth.mcp;

import dev.mcpauth.http.SseResponse;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The SDK's view of one {@link SseResponse}: the stream of a POSTed request, or the GET listening stream of a 2025
 * session. On the stream of a request, a response that comes before any other event is held so that it can be sent as
 * the whole body ({@link SseResponse#respond}); on the listening stream every message is flushed as it comes.
 */
final class SseStream implements McpStreamableServerTransport {

    private final SseResponse sse;
    private final McpJsonMapper mapper;
    private final boolean holdsResponse;

    private SseStream(HttpServerExchange exchange, McpJsonMapper mapper, boolean holdsResponse) {
        this.sse = new SseResponse(exchange);
        this.mapper = mapper;
        this.holdsResponse = holdsResponse;
    }

    /** The stream answering one POSTed request: its response ends the exchange on the IO thread. */
    static SseStream forRequest(HttpServerExchange exchange, McpJsonMapper mapper) {
        return new SseStream(exchange, mapper, true);
    }

    /** The GET listening stream: every event is flushed as it comes. */
    static SseStream listening(HttpServerExchange exchange, McpJsonMapper mapper) {
        return new SseStream(exchange, mapper, false);
    }

    /** Sends the response headers and flushes them, so the client sees the stream open before any event. */
    void open() throws IOException {
        sse.open();
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> write(message));
    }

    private void write(McpSchema.JSONRPCMessage message) {
        byte[] json = JsonRpcHttp.toJson(mapper, message);
        if (holdsResponse && message instanceof McpSchema.JSONRPCResponse) {
            sse.respond(json);
        } else {
            sse.send(json);
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return mapper.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        sse.close();
    }

    boolean isClosed() {
        return sse.isClosed();
    }

    /** Parks the calling (virtual) thread until the session or the server closes the stream (see {@link SseResponse#awaitClose}). */
    void awaitClose(Duration heartbeat) {
        sse.awaitClose(heartbeat);
    }

    /** Ends the HTTP response (see {@link SseResponse#finish()}); the caller must then leave the exchange alone. */
    void finish() {
        sse.finish();
    }
}
