package dev.mcpauth.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Counts the exchanges in flight, so that a shutdown can wait for the calls it already took; once draining, every
 * response closes its connection ({@code Connection: close}), so that a proxy opens its next request elsewhere
 * instead of sending it to a server that is about to go.
 */
final class InFlightRequests implements HttpHandler {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Readiness readiness;
    private final HttpHandler next;

    InFlightRequests(Readiness readiness, HttpHandler next) {
        this.readiness = readiness;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        inFlight.incrementAndGet();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            inFlight.decrementAndGet();
            nextListener.proceed();
        });
        // Checked when the response head goes out, so that calls that began before the drain close theirs too.
        exchange.addResponseCommitListener(committing -> {
            if (readiness.draining()) {
                committing.setPersistent(false);
                committing.getResponseHeaders().put(Headers.CONNECTION, "close");
            }
        });
        next.handleRequest(exchange);
    }

    /**
     * Waits until no exchange but the long-lived streams is in flight, or the timeout passes; true when none is left.
     * Streams are not waited for: they have no end of their own and are ended by the shutdown.
     */
    boolean awaitCalls(Duration timeout, IntSupplier openStreams) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() - openStreams.getAsInt() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    int inFlight() {
        return inFlight.get();
    }
}
