package dev.mcpauth.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An Undertow listener that is bound before its handler chain exists, so that a chain built for port 0 still
 * knows its real URLs (issuer, resource identifier). Until {@link #serve} is called it answers 503.
 */
public final class BoundServer {

    private final Undertow undertow;
    private final Root root;
    private final int port;

    private BoundServer(Undertow undertow, Root root, int port) {
        this.undertow = undertow;
        this.root = root;
        this.port = port;
    }

    public static BoundServer listen(String host, int port) throws IOException {
        Root root = new Root();
        Undertow undertow = Undertow.builder()
                .addHttpListener(port, host)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(8)
                .setByteBufferPool(VirtualThreadDispatch.byteBufferPool())
                .setHandler(root)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            throw new IOException("cannot listen on " + host + ":" + port + ": " + rootMessage(e));
        }
        return new BoundServer(undertow, root, ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort());
    }

    public int port() {
        return port;
    }

    /** Starts answering with {@code chain}. */
    public void serve(HttpHandler chain) {
        root.next = chain;
    }

    public void stop() {
        undertow.stop();
    }

    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The handler for paths no route serves: a JSON 404 naming the path. */
    public static HttpHandler notFound() {
        return exchange -> JsonErrors.send(exchange, 404, "not_found", "no resource at " + exchange.getRequestPath());
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static final class Root implements HttpHandler {
        volatile HttpHandler next;

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            HttpHandler h = next;
            if (h == null) {
                JsonErrors.send(exchange, 503, "starting", "the server is starting; try again");
                return;
            }
            h.handleRequest(exchange);
        }
    }
}
