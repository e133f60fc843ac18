package dev.mcpauth.http;

import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Moves the exchange off the IO thread onto a virtual thread in blocking mode, so every handler after it may
 * block (token introspection, reading the body, the SDK's {@code .block()}, tools that run commands) without
 * stalling the IO threads. Like Undertow's {@code BlockingHandler}, with virtual threads instead of the worker pool.
 */
public final class VirtualThreadDispatch implements HttpHandler {

    /** One executor for the whole process: virtual threads are cheap, and one place to shut down. */
    private static final ExecutorService SHARED = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("mcp-request-", 0).factory());

    private final ExecutorService executor;
    private final HttpHandler next;

    public VirtualThreadDispatch(ExecutorService executor, HttpHandler next) {
        this.executor = Objects.requireNonNull(executor);
        this.next = Objects.requireNonNull(next);
    }

    public VirtualThreadDispatch(HttpHandler next) {
        this(SHARED, next);
    }

    /**
     * The buffer pool for a server whose requests run on virtual threads: Undertow's default keeps a per-thread
     * cache of direct buffers, and a virtual thread lives for one request, so every request took fresh 16 KiB
     * direct buffers and left them to the GC: ~200 MB of native memory after 20 s of load (bench/README.md).
     * Without the per-thread cache, released buffers go back to the shared pool and are reused.
     */
    public static ByteBufferPool byteBufferPool() {
        return new DefaultByteBufferPool(true, 16 * 1024 - 20, 256, 0);
    }

    /** The process-wide virtual-thread executor, for anything else that must block per request. */
    public static ExecutorService sharedExecutor() {
        return SHARED;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(executor, this::runBlocking);
            return;
        }
        runBlocking(exchange);
    }

    private void runBlocking(HttpServerExchange exchange) throws Exception {
        if (!exchange.isBlocking()) {
            exchange.startBlocking();
        }
        next.handleRequest(exchange);
    }
}
