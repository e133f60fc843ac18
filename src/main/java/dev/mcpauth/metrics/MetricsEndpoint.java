package dev.mcpauth.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * {@code GET /metrics} in the Prometheus text format (0.0.4), for {@code serve --metrics-port}. It is served on a
 * listener of its own, never on the MCP port: the numbers (tool names, upstream names, error rates) are for the
 * operator, and that listener binds loopback unless told otherwise. Anything but {@code /metrics} is a 404.
 */
public final class MetricsEndpoint implements HttpHandler {

    public static final String PATH = "/metrics";
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!PATH.equals(exchange.getRequestPath())) {
            text(exchange, 404, "Not found: metrics are at " + PATH + "\n");
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            text(exchange, 405, "Metrics are read with GET\n");
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, Metrics.REGISTRY.scrape());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, writer.getContentType());
        exchange.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
    }

    private static void text(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(body);
    }
}
