package dev.mcpauth.token;

import com.nimbusds.jose.jwk.JWKSet;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An issuer's JWKS endpoint on a real Undertow server on 127.0.0.1 that a test can stop and start again on the same
 * port, make hang (accept the request, never answer), and rotate keys on.
 */
final class JwksServer implements AutoCloseable {

    private final int port;
    private final AtomicReference<JWKSet> published;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile CountDownLatch hang;
    private Undertow server;

    JwksServer(JWKSet keys) throws Exception {
        this.published = new AtomicReference<>(keys);
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/jwks");
    }

    int hits() {
        return hits.get();
    }

    void publish(JWKSet keys) {
        published.set(keys);
    }

    synchronized void start() {
        server = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(this::answer).build();
        server.start();
    }

    /** Connections are refused until {@link #start()}. */
    synchronized void stop() {
        release();
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Requests are accepted and never answered, until {@link #answerAgain()}. */
    void hang() {
        hang = new CountDownLatch(1);
    }

    void answerAgain() {
        release();
    }

    private void release() {
        CountDownLatch latch = hang;
        hang = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    private void answer(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this::answer);
            return;
        }
        hits.incrementAndGet();
        CountDownLatch latch = hang;
        if (latch != null) {
            latch.await(30, TimeUnit.SECONDS);
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(published.get().toPublicJWKSet().toString());
    }

    @Override
    public void close() {
        stop();
    }
}
