package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.SseResponse;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.time.Duration;

/**
 * One {@link SseResponse} of a 2025 session: the stream of a POSTed request, or the session's GET listening stream.
 * On the stream of a request, a response that comes before any other event is held so that it can be sent as the
 * whole body ({@link SseResponse#respond}); on the listening stream every message is flushed as it comes.
 */
final class SseStream {

    private final SseResponse sse;
    private final boolean holdsResponse;

    private SseStream(HttpServerExchange exchange, boolean holdsResponse) {
        this.sse = new SseResponse(exchange);
        this.holdsResponse = holdsResponse;
    }

    /** The stream answering one POSTed request: its response ends the exchange on the IO thread. */
    static SseStream forRequest(HttpServerExchange exchange) {
        return new SseStream(exchange, true);
    }

    /** The GET listening stream: every event is flushed as it comes. */
    static SseStream listening(HttpServerExchange exchange) {
        return new SseStream(exchange, false);
    }

    /** Sends the response headers and flushes them, so the client sees the stream open before any event. */
    void open() throws IOException {
        sse.open();
    }

    /** Writes one JSON-RPC message as an event; false once the client is gone. */
    boolean send(JsonNode message) {
        return holdsResponse && !message.has("method") ? sse.respond(message) : sse.send(message);
    }

    void close() {
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
