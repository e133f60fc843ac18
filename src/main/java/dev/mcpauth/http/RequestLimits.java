package dev.mcpauth.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first line of defence against overload: a request whose declared body is over the limit is refused
 * with 413 before anything reads it, and beyond {@code maxConcurrent} requests in flight new ones are refused
 * at once with 503 and {@code Retry-After} (no queue: a queue only hides overload from clients).
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
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final long MIN_DRAIN_ALLOWANCE = 64 * 1024;

    /** The request's permit, for {@link OpenStreams} to release when the request becomes a stream. */
    static final AttachmentKey<Permit> PERMIT = AttachmentKey.create(Permit.class);

    private final Semaphore permits;
    private final int maxConcurrent;
    private final long maxBodyBytes;
    private final OpenStreams streams;
    private final HttpHandler next;

    /** One request's place in the budget; released once, whichever comes first (stream, or end of exchange). */
    static final class Permit {
        private final Semaphore permits;
        private final OpenStreams streams;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(Semaphore permits, OpenStreams streams) {
            this.permits = permits;
            this.streams = streams;
        }

        OpenStreams streams() {
            return streams;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        }
    }

    public RequestLimits(int maxConcurrent, long maxBodyBytes, HttpHandler next) {
        this(maxConcurrent, maxBodyBytes, new OpenStreams(), next);
    }

    public RequestLimits(int maxConcurrent, long maxBodyBytes, OpenStreams streams, HttpHandler next) {
        if (maxConcurrent < 1 || maxBodyBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: maxConcurrent=" + maxConcurrent + ", maxBodyBytes=" + maxBodyBytes);
        }
        this.permits = new Semaphore(maxConcurrent);
        this.maxConcurrent = maxConcurrent;
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

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.setMaxEntitySize(maxBodyBytes + Math.max(maxBodyBytes, MIN_DRAIN_ALLOWANCE));
        if (exchange.getRequestContentLength() > maxBodyBytes) {
            tooLarge(exchange, maxBodyBytes);
            return;
        }
        if (!permits.tryAcquire()) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            JsonErrors.send(exchange, 503, "temporarily_unavailable",
                    "The server is handling its maximum of " + maxConcurrent + " concurrent requests; retry in "
                            + RETRY_AFTER_SECONDS + " second(s)");
            return;
        }
        Permit permit = new Permit(permits, streams);
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
