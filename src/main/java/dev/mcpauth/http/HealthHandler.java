package dev.mcpauth.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The public health routes, for load balancers and orchestrators. Put nothing secret in them: anyone can read them.
 * <ul>
 *   <li>{@code GET /health}: always 200, {@code {"status":"ok"|"degraded"|"draining", ...extra}} (kept as it was for
 *       existing monitors; "degraded" while an upstream is not up);</li>
 *   <li>{@code GET /health/live}: 200 while the process serves at all (a liveness probe restarts it otherwise);</li>
 *   <li>{@code GET /health/ready}: 200 when it should get traffic, else 503 saying why ({@link Readiness}).</li>
 * </ul>
 */
public final class HealthHandler implements HttpHandler {

    private final Supplier<String> status;
    private final Supplier<? extends Map<String, ?>> extra;

    public HealthHandler(Supplier<String> status, Supplier<? extends Map<String, ?>> extra) {
        this.status = Objects.requireNonNull(status);
        this.extra = Objects.requireNonNull(extra);
    }

    public HealthHandler(Supplier<? extends Map<String, ?>> extra) {
        this(() -> "ok", extra);
    }

    public HealthHandler() {
        this(Map::of);
    }

    /** {@code /health/live}: the process answers HTTP. */
    public static HttpHandler live() {
        return exchange -> {
            if (readable(exchange)) {
                JsonErrors.sendJson(exchange, 200, Map.of("status", "live"));
            }
        };
    }

    /** {@code /health/ready}: 503 with the reason while the replica should get no traffic. */
    public static HttpHandler ready(Readiness readiness) {
        return exchange -> {
            if (!readable(exchange)) {
                return;
            }
            Optional<String> why = readiness.whyNotReady();
            if (why.isEmpty()) {
                JsonErrors.sendJson(exchange, 200, Map.of("status", "ready"));
            } else {
                JsonErrors.sendJson(exchange, 503, Map.of("status", "not_ready", "reason", why.get()));
            }
        };
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!readable(exchange)) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.get());
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

    /** GET and HEAD only; anything else gets 405 and false. */
    private static boolean readable(HttpServerExchange exchange) {
        if (exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD)) {
            return true;
        }
        exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
        JsonErrors.send(exchange, 405, "method_not_allowed", "Health is read with GET");
        return false;
    }
}
