package dev.mcpauth.http;

import dev.mcpauth.metrics.MetricsEndpoint;
import java.io.IOException;

/**
 * The Prometheus scrape listener of {@code serve --metrics-port}: its own port, apart from the MCP port, so that
 * the MCP port's Host, CORS and authentication rules never have to make room for it, and a firewall can tell them
 * apart. Bound to loopback unless {@code --metrics-host} says otherwise.
 */
public final class MetricsListener implements AutoCloseable {

    private final BoundServer server;
    private final String host;

    private MetricsListener(BoundServer server, String host) {
        this.server = server;
        this.host = host;
    }

    public static MetricsListener start(String host, int port) throws IOException {
        BoundServer server = BoundServer.listen(host, port, ConnectionLimits.DEFAULTS);
        server.serve(new MetricsEndpoint());
        return new MetricsListener(server, host);
    }

    /** No listener (metrics off): closing it does nothing. */
    public static MetricsListener none() {
        return new MetricsListener(null, null);
    }

    public int port() {
        return server.port();
    }

    public String url() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port() + MetricsEndpoint.PATH;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }
}
