package dev.mcpauth.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request body must arrive whole within a deadline counted from its head: a client that sends headers and then
 * drips the body a byte at a time (slow POST) would otherwise hold a connection and a worker thread for as long as it
 * likes, since every single read is quick. Past the deadline the connection is closed; a handler blocked reading the
 * body sees an IOException, and no response is owed to a client that never finished asking.
 */
final class BodyDeadline {
    private static final Logger LOG = LoggerFactory.getLogger(BodyDeadline.class);

    private BodyDeadline() {
    }

    static void arm(HttpServerExchange exchange, Duration timeout) {
        if (exchange.isRequestComplete() || !announcesBody(exchange)) {
            return;
        }
        XnioExecutor.Key deadline = exchange.getIoThread().executeAfter(() -> {
            if (!exchange.isRequestComplete()) {
                LOG.info("closed a connection from {}: its request body ({} {}) did not arrive within --body-timeout {} ms",
                        exchange.getSourceAddress(), exchange.getRequestMethod(), exchange.getRequestPath(), timeout.toMillis());
                IoUtils.safeClose(exchange.getConnection());
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        exchange.addExchangeCompleteListener((done, next) -> {
            deadline.remove();
            next.proceed();
        });
    }

    private static boolean announcesBody(HttpServerExchange exchange) {
        return exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING) || exchange.getRequestContentLength() > 0;
    }
}
