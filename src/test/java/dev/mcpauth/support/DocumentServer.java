package dev.mcpauth.support;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Client ID metadata documents published over real HTTP: serves {@code path -> (status, headers, body)} on 127.0.0.1 and counts the fetches. */
public final class DocumentServer implements AutoCloseable {
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    public final Map<String, Answer> answers = new ConcurrentHashMap<>();
    public final AtomicInteger fetches = new AtomicInteger();
    final Undertow undertow;
    public final String base;

    public DocumentServer() {
        undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            fetches.incrementAndGet();
            Answer a = answers.getOrDefault(exchange.getRequestPath(), new Answer(404, Map.of(), "{}"));
            exchange.setStatusCode(a.status());
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().put(new io.undertow.util.HttpString(k), v));
            exchange.getResponseSender().send(a.body());
        }).build();
        undertow.start();
        base = "http://127.0.0.1:" + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Publishes a well-formed document at {@code path} whose client_id is its own URL; returns that URL. */
    public String publish(String path, String redirectUri, Map<String, String> headers) {
        String url = base + path;
        answers.put(path, new Answer(200, headers, document(url, redirectUri)));
        return url;
    }

    public static String document(String clientId, String redirectUri) {
        return "{\"client_id\":\"" + clientId + "\",\"client_name\":\"Editor\",\"redirect_uris\":[\"" + redirectUri + "\"],"
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"token_endpoint_auth_method\":\"none\"}";
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
