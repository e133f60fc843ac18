package dev.mcpauth.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The budget of long-lived responses (SSE streams: the GET stream of a session, {@code subscriptions/listen}),
 * kept apart from the request budget of {@link RequestLimits}: a stream that opens gives its request permit back,
 * so streams nobody reads can never starve ordinary requests. Streams have their own caps, in all (503) and per
 * subject (429, naming the limit), so one token holder cannot take every stream either.
 */
public final class OpenStreams {

    public static final int DEFAULT_MAX_STREAMS = 1024;
    /** A client needs one GET stream per session and perhaps a listen stream; 32 leaves room for many tabs. */
    public static final int DEFAULT_MAX_STREAMS_PER_SUBJECT = 32;
    /** A stream ends when its client closes it; a few seconds is enough for one to go. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final int max;
    private final int maxPerSubject;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perSubject = new ConcurrentHashMap<>();

    public OpenStreams(int max, int maxPerSubject) {
        if (max < 1 || maxPerSubject < 1) {
            throw new IllegalArgumentException("stream limits must be positive: " + max + ", " + maxPerSubject);
        }
        this.max = max;
        this.maxPerSubject = maxPerSubject;
    }

    public OpenStreams() {
        this(DEFAULT_MAX_STREAMS, DEFAULT_MAX_STREAMS_PER_SUBJECT);
    }

    /** A stream's place in the budget; closing it (once or more) frees the place. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    private static final Lease UNLIMITED = () -> { };

    /**
     * Admits the exchange as a long-lived stream of {@code subject} (see {@link Exchanges#subject}) and returns its
     * lease, having released the exchange's request permit; or answers 429 / 503 and returns null, and the caller
     * must then leave the exchange alone. Without {@link RequestLimits} in the chain there is no budget to keep.
     */
    public static Lease open(HttpServerExchange exchange, String subject) {
        RequestLimits.Permit permit = exchange.getAttachment(RequestLimits.PERMIT);
        return permit == null ? UNLIMITED : permit.streams().admit(exchange, subject, permit);
    }

    private Lease admit(HttpServerExchange exchange, String subject, RequestLimits.Permit permit) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refuse(exchange, 503, "temporarily_unavailable", "max-streams", max,
                    "The server has its maximum of " + max + " open streams; retry in " + RETRY_AFTER_SECONDS + " second(s)");
            return null;
        }
        if (!admitSubject(subject)) {
            open.decrementAndGet();
            refuse(exchange, 429, "too_many_streams", "max-streams-per-subject", maxPerSubject,
                    "You have the maximum of " + maxPerSubject + " open streams; close one (or end an unused session) first");
            return null;
        }
        permit.release();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
                perSubject.computeIfPresent(subject, (s, count) -> count.decrementAndGet() == 0 ? null : count);
            }
        };
    }

    /** Counts one more stream of {@code subject} if it is under its cap (atomically per subject). */
    private boolean admitSubject(String subject) {
        boolean[] admitted = {false};
        perSubject.compute(subject, (s, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < maxPerSubject) {
                c.incrementAndGet();
                admitted[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        return admitted[0];
    }

    private static void refuse(HttpServerExchange exchange, int status, String code, String limit, int value, String description) {
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
        JsonErrors.send(exchange, status, code, description, Map.of("limit", limit, "max", value));
    }

    /** How many streams are open (tests). */
    public int openStreams() {
        return open.get();
    }
}
