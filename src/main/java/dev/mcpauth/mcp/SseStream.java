package dev.mcpauth.mcp;

import dev.mcpauth.http.IoThreadSend;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One Server-Sent Events response on an Undertow exchange in blocking mode: the stream of a POSTed request, or
 * the GET listening stream. Each JSON-RPC message is one {@code message} event (MCP Streamable HTTP). Events carry
 * no {@code id}: the gateway keeps no event store, so it offers no resumption it could not honour.
 * <p>The stream of a POSTed request holds back a response that comes before any other event, and {@link #finish()}
 * sends it as the whole body from the IO thread ({@link IoThreadSend}): ending the exchange on the virtual thread
 * makes Undertow's IO thread spin. Any other event (a notification, a server request) is written and flushed at
 * once, after a held response if there is one, so the client sees every event in order and nothing waits.
 */
final class SseStream implements McpStreamableServerTransport {

    private static final Logger log = LoggerFactory.getLogger(SseStream.class);
    private static final byte[] EVENT_PREFIX = "event: message\ndata: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.UTF_8);

    private final HttpServerExchange exchange;
    private final McpJsonMapper mapper;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final boolean holdsResponse;
    private OutputStream out;
    private byte[] heldResponse;

    private SseStream(HttpServerExchange exchange, McpJsonMapper mapper, boolean holdsResponse) {
        this.exchange = exchange;
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
        lock.lock();
        try {
            startResponse();
            out.flush();
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            if (closed.isDone()) {
                log.debug("dropping a message for a closed SSE stream");
                return;
            }
            byte[] event = event(message);
            if (holdsResponse && out == null && heldResponse == null && message instanceof McpSchema.JSONRPCResponse) {
                heldResponse = event;
                return;
            }
            startResponse();
            writeHeldResponse();
            out.write(event);
            out.flush();
        } catch (IOException e) {
            log.debug("SSE client disconnected: {}", e.toString());
            closed.complete(null);
        } finally {
            lock.unlock();
        }
    }

    /** One {@code message} event; Jackson escapes newlines inside strings, so the JSON text is one SSE data line. */
    private byte[] event(McpSchema.JSONRPCMessage message) {
        byte[] json = JsonRpcHttp.toJson(mapper, message);
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
    }

    private void startResponse() {
        if (out == null) {
            setResponseHeaders();
            out = exchange.getOutputStream();
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
        closed.complete(null);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /**
     * Parks the calling (virtual) thread until the session or the server closes the stream, writing an SSE comment
     * every {@code heartbeat} so that a client that went away is noticed (the write fails) and the stream released.
     */
    void awaitClose(Duration heartbeat) {
        while (!closed.isDone()) {
            try {
                closed.get(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                writeRaw(": keep-alive\n\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                return;
            }
        }
    }

    private void writeRaw(String text) {
        lock.lock();
        try {
            if (!closed.isDone()) {
                startResponse();
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            log.debug("SSE client disconnected: {}", e.toString());
            closed.complete(null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the HTTP response; called by the handler thread once the stream is done. A held response that is the
     * whole body goes to the IO thread, and the caller must then return without touching the exchange.
     */
    void finish() {
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
