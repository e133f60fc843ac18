package dev.mcpauth.token;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A small HTTP endpoint on 127.0.0.1 with an ephemeral port, standing in for an external authorization server. */
final class LocalHttpServer implements AutoCloseable {

    /** What a route answers; it may read the request (body, headers). */
    interface Route {
        Reply answer(Request request) throws Exception;
    }

    record Request(String method, String path, Map<String, java.util.List<String>> headers, String body) {
        String header(String name) {
            var values = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst();
            return values.map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    record Reply(int status, String contentType, String body) {
        static Reply json(String body) {
            return new Reply(200, "application/json", body);
        }
    }

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    LocalHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "local-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    LocalHttpServer route(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int hits(String path) {
        return hits.computeIfAbsent(path, p -> new AtomicInteger()).get();
    }

    /** A loopback URL where nothing listens: connections are refused. */
    static URI refusingUri(String path) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Route route = routes.get(path);
        Reply reply;
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            reply = route == null ? new Reply(404, "text/plain", "not found")
                    : route.answer(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body));
        } catch (Exception e) {
            reply = new Reply(500, "text/plain", "test route failed: " + e);
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
