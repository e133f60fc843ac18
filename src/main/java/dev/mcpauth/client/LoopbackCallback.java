package dev.mcpauth.client;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A one-shot HTTP listener on 127.0.0.1 that receives the authorization redirect (RFC 8252 §7.3). */
final class LoopbackCallback implements AutoCloseable {

    private final Undertow server;
    private final URI redirectUri;
    private final CompletableFuture<URI> received = new CompletableFuture<>();

    private LoopbackCallback(int port) {
        this.server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(1)
                .setHandler(exchange -> {
                    if (!"/callback".equals(exchange.getRequestPath())) {
                        exchange.setStatusCode(404);
                        exchange.endExchange();
                        return;
                    }
                    String query = exchange.getQueryString();
                    received.complete(URI.create(redirectUriBase(exchange.getHostPort()) + (query.isEmpty() ? "" : "?" + query)));
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
                    exchange.getResponseSender().send("<!doctype html><title>mcp-auth</title><p>Done. You can close this window and return to the terminal.</p>");
                })
                .build();
        server.start();
        int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        this.redirectUri = URI.create(redirectUriBase(bound));
    }

    private static String redirectUriBase(int port) {
        return "http://127.0.0.1:" + port + "/callback";
    }

    static LoopbackCallback start(int port) throws IOException {
        try {
            return new LoopbackCallback(port);
        } catch (RuntimeException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + " for the redirect: " + e.getMessage());
        }
    }

    URI redirectUri() {
        return redirectUri;
    }

    URI await(Duration timeout) throws IOException, InterruptedException {
        try {
            return received.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no redirect came back within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
