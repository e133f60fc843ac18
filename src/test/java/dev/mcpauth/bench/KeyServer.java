package dev.mcpauth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The authorization server's side, simulated on loopback: {@code GET /jwks.json} (the bench keys' public JWKS),
 * {@code POST /introspect} (RFC 7662: active for the one opaque bench token, inactive otherwise) and
 * {@code GET /counts}, how often each was called, which the suite prints to show the rate limits hold.
 * Usage: {@code KeyServer PORT JWKS_FILE OPAQUE_TOKEN_FILE RESOURCE_URL}.
 */
public final class KeyServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong JWKS_FETCHES = new AtomicLong();
    private static final AtomicLong INTROSPECTIONS = new AtomicLong();

    private KeyServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] jwks = Files.readAllBytes(Path.of(args[1]));
        String opaque = Files.readString(Path.of(args[2])).strip();
        String resource = args[3];
        Undertow.builder()
                .addHttpListener(port, BenchHosts.LOOPBACK)
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(exchange -> {
                    switch (exchange.getRequestPath()) {
                        case "/jwks.json" -> {
                            JWKS_FETCHES.incrementAndGet();
                            send(exchange, jwks);
                        }
                        case "/introspect" -> exchange.getRequestReceiver().receiveFullString((ex, form) -> {
                            INTROSPECTIONS.incrementAndGet();
                            send(ex, introspection(token(form), opaque, resource));
                        });
                        case "/counts" -> send(exchange, JSON.writeValueAsBytes(Map.of("jwks_fetches", JWKS_FETCHES.get(),
                                "introspections", INTROSPECTIONS.get())));
                        default -> {
                            exchange.setStatusCode(404);
                            exchange.endExchange();
                        }
                    }
                })
                .build()
                .start();
        BenchHosts.ready("keys", port);
    }

    private static String token(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static byte[] introspection(String token, String opaque, String resource) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", token.equals(opaque));
        if (token.equals(opaque)) {
            body.put("sub", "bench-user");
            body.put("client_id", "bench-client");
            body.put("scope", "math:calculate");
            body.put("aud", resource);
            body.put("exp", Instant.now().plusSeconds(7200).getEpochSecond());
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpServerExchange exchange, byte[] body) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
    }
}
