package dev.mcpauth.http;

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
