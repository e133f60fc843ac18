package dev.mcpauth.http;

import dev.mcpauth.metrics.Metrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.XnioExecutor;

/**
 * The line of requests that arrived when every permit of {@link RequestLimits} was taken: a burst waits here, in
 * arrival order, instead of being refused, up to {@code maxQueued} requests for at most {@code timeout} each.
 * Nothing here blocks a thread: a waiting exchange is parked (dispatched, like Undertow's own {@code RequestLimit})
 * and its IO thread goes on serving other connections; when a permit is released it is handed to the first live
 * waiter, whose exchange resumes on its own IO thread. A wait that runs out is answered on that IO thread's timer.
 */
final class WaitingRequests {

    private final Semaphore permits;
    private final int maxQueued;
    private final long timeoutMillis;
    private final Queue<Waiter> line = new ConcurrentLinkedQueue<>();
    /** Waiters not yet admitted or timed out, including those still being put in line. */
    private final AtomicInteger waiting = new AtomicInteger();

    /** One parked exchange; admitted or timed out once, whichever claims it first. */
    private final class Waiter {
        private final HttpServerExchange exchange;
        private final HttpHandler admitted;
        private final HttpHandler timedOut;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final long since = System.nanoTime();
        private volatile XnioExecutor.Key timer;

        Waiter(HttpServerExchange exchange, HttpHandler admitted, HttpHandler timedOut) {
            this.exchange = exchange;
            this.admitted = admitted;
            this.timedOut = timedOut;
        }

        boolean claim() {
            if (!claimed.compareAndSet(false, true)) {
                return false;
            }
            waiting.decrementAndGet();
            return true;
        }

        void timeOut() {
            if (claim()) {
                Metrics.queueRefused("wait_timeout");
                exchange.dispatch(exchange.getIoThread(), timedOut);
            }
        }

        /** Runs the admitted handler on the exchange's IO thread; the caller holds the permit for it. */
        void admit() {
            XnioExecutor.Key key = timer;
            if (key != null) {
                key.remove();
            }
            Metrics.queueWait(System.nanoTime() - since);
            exchange.dispatch(exchange.getIoThread(), admitted);
        }
    }

    WaitingRequests(Semaphore permits, int maxQueued, Duration timeout) {
        if (maxQueued < 0 || timeout.isNegative()) {
            throw new IllegalArgumentException("queue limits must not be negative: maxQueued=" + maxQueued + ", timeout=" + timeout);
        }
        this.permits = permits;
        this.maxQueued = maxQueued;
        this.timeoutMillis = timeout.toMillis();
    }

    /**
     * Parks the exchange until a permit is free (then {@code admitted} runs with the permit taken) or the wait limit
     * passes (then {@code timedOut} runs); false, leaving the exchange alone, when the line is full. Call it from the
     * handler that received the exchange, before returning.
     */
    boolean await(HttpServerExchange exchange, HttpHandler admitted, HttpHandler timedOut) {
        if (timeoutMillis == 0 || !reservePlace()) {
            return false;
        }
        Waiter waiter = new Waiter(exchange, admitted, timedOut);
        // Dispatched to the same thread: runs once the handler returns, so the exchange is parked, not ended.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            waiter.timer = exchange.getIoThread().executeAfter(waiter::timeOut, timeoutMillis, TimeUnit.MILLISECONDS);
            line.add(waiter);
            // A permit released between the caller's failed try and now would otherwise go to nobody.
            admitWaiting();
        });
        return true;
    }

    /** Call after every release of a permit: hands free permits to the first live waiters. */
    void admitWaiting() {
        while (!line.isEmpty() && permits.tryAcquire()) {
            Waiter next = nextLive();
            if (next == null) {
                // Someone who joins the line after this poll takes the permit back with its own admitWaiting.
                permits.release();
                return;
            }
            try {
                next.admit();
            } catch (RejectedExecutionException e) {
                permits.release(); // the IO thread is shutting down: its exchange will not run
            }
        }
    }

    int waiting() {
        return waiting.get();
    }

    private boolean reservePlace() {
        int now;
        do {
            now = waiting.get();
            if (now >= maxQueued) {
                return false;
            }
        } while (!waiting.compareAndSet(now, now + 1));
        return true;
    }

    /** The first waiter neither timed out nor abandoned by its client (a closed connection needs no answer). */
    private Waiter nextLive() {
        Waiter waiter;
        while ((waiter = line.poll()) != null) {
            if (!waiter.claim()) {
                continue;
            }
            if (waiter.exchange.getConnection().isOpen()) {
                return waiter;
            }
            XnioExecutor.Key key = waiter.timer;
            if (key != null) {
                key.remove();
            }
        }
        return null;
    }
}
