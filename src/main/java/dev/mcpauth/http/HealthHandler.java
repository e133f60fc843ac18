package dev.mcpauth.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /health}: public liveness for load balancers and orchestrators,
 * {@code {"status":"ok", ...extra}}. Put nothing secret in the extra map: anyone can read it.
 */
public final class HealthHandler implements HttpHandler {

    private final Supplier<? extends Map<String, ?>> extra;

    public HealthHandler(Supplier<? extends Map<String, ?>> extra) {
        this.extra = Objects.requireNonNull(extra);
    }

    public HealthHandler() {
        this(Map::of);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            JsonErrors.send(exchange, 405, "method_not_allowed", "Health is read with GET");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        Map<String, ?> more = extra.get();
        if (more != null) {
            more.forEach((k, v) -> {
                if (!k.equals("status")) {
                    body.put(k, v);
                }
            });
        }
        JsonErrors.sendJson(exchange, 200, body);
    }
}
