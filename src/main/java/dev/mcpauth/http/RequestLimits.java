package dev.mcpauth.http;

import dev.mcpauth.metrics.Metrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first line of defence against overload: a request whose declared body is over the limit is refused
 * with 413 before anything reads it, and beyond {@code maxConcurrent} requests in flight new ones wait in a bounded
 * line ({@link WaitingRequests}: {@code maxQueued} requests for at most {@code queueTimeout} each, no thread held), so
 * a burst is served a little later instead of refused; when the line is full or the wait runs out, 503 with
 * {@code Retry-After}. The wait limit keeps a lasting overload visible to clients instead of hiding it.
 * Readers enforce the limit themselves and answer 413 (see {@link JsonRpcBodyReader}). Undertow's max entity size
 * is set a drain allowance above the limit: the rest of a refused body is drained and the connection stays usable,
 * while a body beyond that has its connection cut by Undertow, whoever reads it (an unbounded chunked body can never
 * hold a thread). The allowance also covers Undertow's read-ahead, which could otherwise cut before the 413 is out.
 * A request holds its permit until its exchange completes, or until it turns into a long-lived stream: then
 * {@link OpenStreams} takes the permit back and counts the stream against its own caps, so streams nobody reads
 * cannot take the budget of ordinary requests. Health checks are routed around this handler (see the chain).
 */
public final class RequestLimits implements HttpHandler {

    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT = 256;
    /** Enough for 1,024 connections on one box (bench/README.md) on top of the 256 in flight. */
    public static final int DEFAULT_MAX_QUEUED = 1024;
    /** Under the usual client timeouts (wrk's 5 s, browsers' longer): a wait this long means lasting overload. */
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(3);
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final long MIN_DRAIN_ALLOWANCE = 64 * 1024;

    /** The request's permit, for {@link OpenStreams} to release when the request becomes a stream. */
    static final AttachmentKey<Permit> PERMIT = AttachmentKey.create(Permit.class);

    private final Semaphore permits;
    private final WaitingRequests waiting;
    private final int maxConcurrent;
    private final int maxQueued;
    private final long maxBodyBytes;
    private final OpenStreams streams;
    private final HttpHandler next;

    /** One request's place in the budget; released once, whichever comes first (stream, or end of exchange). */
    static final class Permit {
        private final Semaphore permits;
        private final WaitingRequests waiting;
        private final OpenStreams streams;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(Semaphore permits, WaitingRequests waiting, OpenStreams streams) {
            this.permits = permits;
            this.waiting = waiting;
            this.streams = streams;
        }

        OpenStreams streams() {
            return streams;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                permits.release();
                waiting.admitWaiting();
            }
        }
    }

    public RequestLimits(int maxConcurrent, long maxBodyBytes, HttpHandler next) {
        this(maxConcurrent, maxBodyBytes, new OpenStreams(), next);
    }

    public RequestLimits(int maxConcurrent, long maxBodyBytes, OpenStreams streams, HttpHandler next) {
        this(maxConcurrent, DEFAULT_MAX_QUEUED, DEFAULT_QUEUE_TIMEOUT, maxBodyBytes, streams, next);
    }

    /**
     * @param maxQueued    requests that may wait for a permit at once; 0 refuses at once beyond {@code maxConcurrent}
     * @param queueTimeout how long one may wait; zero refuses at once
     */
    public RequestLimits(int maxConcurrent, int maxQueued, Duration queueTimeout, long maxBodyBytes, OpenStreams streams,
                         HttpHandler next) {
        if (maxConcurrent < 1 || maxBodyBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: maxConcurrent=" + maxConcurrent + ", maxBodyBytes=" + maxBodyBytes);
        }
        this.permits = new Semaphore(maxConcurrent);
        this.waiting = new WaitingRequests(permits, maxQueued, queueTimeout);
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.maxBodyBytes = maxBodyBytes;
        this.streams = Objects.requireNonNull(streams);
        this.next = Objects.requireNonNull(next);
    }

    public RequestLimits(HttpHandler next) {
        this(DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_BODY_BYTES, next);
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Requests waiting for a turn now. */
    public int waiting() {
        return waiting.waiting();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.setMaxEntitySize(maxBodyBytes + Math.max(maxBodyBytes, MIN_DRAIN_ALLOWANCE));
        if (exchange.getRequestContentLength() > maxBodyBytes) {
            tooLarge(exchange, maxBodyBytes);
            return;
        }
        if (permits.tryAcquire()) {
            admit(exchange);
        } else if (!waiting.await(exchange, this::admit, this::waitedTooLong)) {
            Metrics.queueRefused("queue_full");
            unavailable(exchange, "The server is handling its maximum of " + maxConcurrent
                    + " concurrent requests and " + maxQueued + " more are waiting");
        }
    }

    private void waitedTooLong(HttpServerExchange exchange) {
        unavailable(exchange, "The server is handling its maximum of " + maxConcurrent
                + " concurrent requests and this one waited its limit for a turn");
    }

    private static void unavailable(HttpServerExchange exchange, String why) {
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
        JsonErrors.send(exchange, 503, "temporarily_unavailable", why + "; retry in " + RETRY_AFTER_SECONDS + " second(s)");
    }

    /** Runs the request holding a permit (taken by the caller), given back when the exchange completes. */
    private void admit(HttpServerExchange exchange) throws Exception {
        Permit permit = new Permit(permits, waiting, streams);
        exchange.putAttachment(PERMIT, permit);
        exchange.addExchangeCompleteListener((completed, nextListener) -> {
            permit.release();
            nextListener.proceed();
        });
        next.handleRequest(exchange);
    }

    /** 413 with a body that says the limit; shared with the body reader, which enforces it while reading. */
    public static void tooLarge(HttpServerExchange exchange, long maxBodyBytes) {
        JsonErrors.send(exchange, 413, "request_too_large",
                "The request body is larger than the limit of " + maxBodyBytes + " bytes");
    }
}
