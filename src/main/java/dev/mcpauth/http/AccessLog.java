package dev.mcpauth.http;

import dev.mcpauth.metrics.Metrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code access} (and one count in {@link Metrics}), written when the exchange completes: method, path (never
 * the query, which could carry a token a misbehaving client put there), status, duration in ms, remote address.
 * Never headers. Put it outermost, so requests refused by the limits and checks are logged too.
 */
public final class AccessLog implements HttpHandler {

    public static final String LOGGER_NAME = "access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private final HttpHandler next;

    public AccessLog(HttpHandler next) {
        this.next = Objects.requireNonNull(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            try {
                Metrics.request(done.getRequestPath(), done.getStatusCode(), start);
                if (LOG.isInfoEnabled()) {
                    var remote = done.getSourceAddress();
                    LOG.info("{} {} {} {}ms {}", done.getRequestMethod(), printable(done.getRequestPath()),
                            done.getStatusCode(), (System.nanoTime() - start) / 1_000_000,
                            remote == null ? "-" : remote.getHostString());
                }
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    /** Paths are decoded: keep control characters out so one request is always one line. */
    private static String printable(String path) {
        String cut = path.length() > 300 ? path.substring(0, 300) + "..." : path;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }
}
