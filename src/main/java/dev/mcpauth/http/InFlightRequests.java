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
public final class InFlightRequests implements HttpHandler {

    /**
     * How long no request may have begun before a drain counts as done. A proxy that has not yet seen the server go
     * may still pick one of its idle kept-alive connections to it; closing those while it does would cut a request
     * the proxy may not send again. Each request met during the drain closes its connection, so the quiet comes.
     */
    static final Duration QUIET = Duration.ofSeconds(1);

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastStart = System.nanoTime();
    private final Readiness readiness;
    private final HttpHandler next;

    public InFlightRequests(Readiness readiness, HttpHandler next) {
        this.readiness = readiness;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        inFlight.incrementAndGet();
        lastStart = System.nanoTime();
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
     * Waits until no exchange but the long-lived streams is in flight and none began for {@link #QUIET} (at most
     * the timeout); true when none is left. Streams are not waited for: they have no end of their own and are
     * ended by the shutdown.
     */
    public boolean awaitCalls(Duration timeout, IntSupplier openStreams) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quiet = Math.min(QUIET.toNanos(), timeout.toNanos());
        while (inFlight.get() - openStreams.getAsInt() > 0 || System.nanoTime() - lastStart < quiet) {
            if (System.nanoTime() >= deadline) {
                return inFlight.get() - openStreams.getAsInt() <= 0;
            }
            Thread.sleep(20);
        }
        return true;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
