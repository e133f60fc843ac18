package dev.mcpauth.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.OutputStream;
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
 */
final class SseStream implements McpStreamableServerTransport {

    private static final Logger log = LoggerFactory.getLogger(SseStream.class);

    private final HttpServerExchange exchange;
    private final McpJsonMapper mapper;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private OutputStream out;

    SseStream(HttpServerExchange exchange, McpJsonMapper mapper) {
        this.exchange = exchange;
        this.mapper = mapper;
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
            startResponse();
            // Jackson escapes newlines inside strings, so the JSON text is one SSE data line.
            byte[] json = JsonRpcHttp.toJson(mapper, message);
            out.write("event: message\ndata: ".getBytes(StandardCharsets.UTF_8));
            out.write(json);
            out.write("\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            log.debug("SSE client disconnected: {}", e.toString());
            closed.complete(null);
        } finally {
            lock.unlock();
        }
    }

    private void startResponse() {
        if (out == null) {
            exchange.setStatusCode(StatusCodes.OK);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache, no-store");
            exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
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

    /** Ends the HTTP response; called by the handler thread once the stream is done. */
    void finish() {
        lock.lock();
        try {
            closed.complete(null);
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            log.debug("SSE stream already gone: {}", e.toString());
        } finally {
            lock.unlock();
            exchange.endExchange();
        }
    }
}
