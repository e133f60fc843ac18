package dev.mcpauth.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.json.Json;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events response on an Undertow exchange in blocking mode: the one SSE writer of the process, for
 * the streams of POSTed requests (either MCP era), the 2025 GET stream and 2026-07-28 {@code subscriptions/listen}.
 * Each JSON-RPC message is one {@code message} event (MCP Streamable HTTP); events carry no {@code id}: the gateway
 * keeps no event store, so it offers no resumption it could not honour. Several threads may write; a lock keeps each
 * event whole. A write that fails means the client went away: the stream is then closed and drops what follows.
 * <p>The response to the request a stream answers, when it comes before any other event, is held, and
 * {@link #finish()} sends it as the whole body from the IO thread ({@link IoThreadSend}): ending the exchange on the
 * virtual thread makes Undertow's IO thread spin. Any other event is written and flushed at once, after a held
 * response if there is one, so the client sees every event in order and nothing waits.
 */
public final class SseResponse {

    private static final Logger log = LoggerFactory.getLogger(SseResponse.class);
    private static final byte[] EVENT_PREFIX = "event: message\ndata: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    private static final HttpString X_ACCEL_BUFFERING = HttpString.tryFromString("X-Accel-Buffering");

    private final HttpServerExchange exchange;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private OutputStream out;
    private byte[] heldResponse;

    public SseResponse(HttpServerExchange exchange) {
        this.exchange = exchange;
    }

    /** Whether the request's Accept header names {@code text/event-stream} (or {@code text/*}) outright. */
    public static boolean acceptedBy(HttpServerExchange exchange) {
        HeaderValues accept = exchange.getRequestHeaders().get(Headers.ACCEPT);
        for (String header : accept == null ? List.<String>of() : accept) {
            for (String range : header.split(",")) {
                String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (type.equals("text/event-stream") || type.equals("text/*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Sends the response headers and flushes them, so the client sees the stream open before any event. */
    public void open() throws IOException {
        lock.lock();
        try {
            startResponse();
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Writes one message event (the JSON text of one message) now; false when the stream is closed or the client gone. */
    public boolean send(byte[] json) {
        return write(event(json));
    }

    /** {@link #send(byte[])} for a message as a tree. */
    public boolean send(JsonNode message) {
        return send(bytes(message));
    }

    /** {@link #respond(byte[])} for a response as a tree. */
    public boolean respond(JsonNode response) {
        return respond(bytes(response));
    }

    private static byte[] bytes(JsonNode message) {
        try {
            return Json.shared().writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that does not serialize: " + e.getOriginalMessage());
        }
    }

    /**
     * The response to the request this stream answers: held when nothing has been written yet (then {@link #finish()}
     * sends it as the whole body), else written like any event.
     */
    public boolean respond(byte[] json) {
        lock.lock();
        try {
            if (out == null && heldResponse == null && !closed.isDone()) {
                heldResponse = event(json);
                return true;
            }
        } finally {
            lock.unlock();
        }
        return send(json);
    }

    /** An SSE comment: keeps intermediaries from timing out, and tells whether the client is still there. */
    public boolean keepAlive() {
        return write(KEEP_ALIVE);
    }

    private boolean write(byte[] bytes) {
        lock.lock();
        try {
            if (closed.isDone()) {
                log.debug("dropping an event for a closed SSE stream");
                return false;
            }
            startResponse();
            writeHeldResponse();
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            log.debug("SSE client disconnected: {}", e.toString());
            closed.complete(null);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** One event; Jackson escapes newlines inside strings, so the JSON text is one SSE data line. */
    private static byte[] event(byte[] json) {
        byte[] event = new byte[EVENT_PREFIX.length + json.length + EVENT_END.length];
        System.arraycopy(EVENT_PREFIX, 0, event, 0, EVENT_PREFIX.length);
        System.arraycopy(json, 0, event, EVENT_PREFIX.length, json.length);
        System.arraycopy(EVENT_END, 0, event, EVENT_PREFIX.length + json.length, EVENT_END.length);
        return event;
    }

    private void writeHeldResponse() throws IOException {
        if (heldResponse != null) {
            out.write(heldResponse);
            heldResponse = null;
        }
    }

    private void setResponseHeaders() {
        exchange.setStatusCode(StatusCodes.OK);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache, no-store");
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        // Streamable HTTP (2026-07-28): a proxy such as nginx must not buffer the stream.
        exchange.getResponseHeaders().put(X_ACCEL_BUFFERING, "no");
    }

    private void startResponse() {
        if (out == null) {
            setResponseHeaders();
            out = exchange.getOutputStream();
        }
    }

    /** Nothing more is written (the session or the server ended the stream); {@link #finish()} still ends the response. */
    public void close() {
        closed.complete(null);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /**
     * Parks the calling (virtual) thread until the stream is closed, writing an SSE comment every {@code heartbeat}
     * so that a client that went away is noticed (the write fails) and the stream released.
     */
    public void awaitClose(Duration heartbeat) {
        while (!closed.isDone()) {
            try {
                closed.get(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                keepAlive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                return;
            }
        }
    }

    /**
     * Ends the HTTP response; called by the handler thread once the stream is done. A held response that is the
     * whole body goes to the IO thread, and the caller must then return without touching the exchange.
     */
    public void finish() {
        lock.lock();
        try {
            closed.complete(null);
            if (out == null && heldResponse != null) {
                setResponseHeaders();
                IoThreadSend.send(exchange, ByteBuffer.wrap(heldResponse));
                heldResponse = null;
                return;
            }
            if (out == null && !exchange.isResponseStarted()) {
                // Nothing to say (the client cancelled the request, so its answer is not sent): an empty event stream,
                // which every client reads as "no message", rather than a 200 without a content type.
                setResponseHeaders();
                IoThreadSend.send(exchange, ByteBuffer.allocate(0));
                return;
            }
            if (out != null) {
                writeHeldResponse();
                out.close();
            }
        } catch (IOException e) {
            log.debug("SSE stream already gone: {}", e.toString());
        } finally {
            lock.unlock();
        }
        exchange.endExchange();
    }
}
