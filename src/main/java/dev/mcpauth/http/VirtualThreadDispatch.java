package dev.mcpauth.http;

import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Moves the exchange off the IO thread onto a virtual thread in blocking mode, so every handler after it may
 * block (token introspection, reading the body, the SDK's {@code .block()}, tools that run commands) without
 * stalling the IO threads. Like Undertow's {@code BlockingHandler}, with virtual threads instead of the worker pool.
 */
public final class VirtualThreadDispatch implements HttpHandler {

    /**
     * One name for every request thread: a numbered name is built per thread, and an unnamed virtual thread makes
     * logback derive one by reflection for every log event (the audit line): 4% of a tools/call's CPU.
     */
    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().name("mcp-request").factory();

    /**
     * Starts each request on a new virtual thread. Not {@code newThreadPerTaskExecutor}: that executor tracks every
     * live thread in a concurrent set, and removing each finished one was 5% of a tools/call's CPU under load.
     * Requests end with their exchange, so nothing needs the set for shutdown.
     */
    private static final Executor SHARED = task -> VIRTUAL.newThread(task).start();

    private final Executor executor;
    private final HttpHandler next;

    public VirtualThreadDispatch(Executor executor, HttpHandler next) {
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
