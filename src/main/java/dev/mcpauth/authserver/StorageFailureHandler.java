package dev.mcpauth.authserver;

import dev.mcpauth.metrics.Metrics;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps an endpoint that touches the state database: when storage fails, the client gets 503
 * {@code temporarily_unavailable} (RFC 6749 §4.1.2.1's code) with {@code Retry-After}, never a 500 or a stack trace.
 * Every write happens before the response is sent, so a client told to retry has been given nothing unstored, and a
 * refresh token it presented is still live (the rotation is one transaction that did not commit).
 */
final class StorageFailureHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StorageFailureHandler.class);
    static final int RETRY_AFTER_SECONDS = 5;

    private final HttpHandler next;

    StorageFailureHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        try {
            next.handleRequest(exchange);
        } catch (StorageUnavailable e) {
            Metrics.storageFailure();
            LOG.warn("{} (answered {} {} with 503)", e.getMessage(), exchange.getRequestMethod(), exchange.getRequestPath());
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
            JsonErrors.send(exchange, 503, "temporarily_unavailable",
                    "the authorization server cannot reach its state storage; nothing was issued or used up, retry in "
                            + RETRY_AFTER_SECONDS + " s");
        }
    }
}
