package dev.mcpauth.policy;

import dev.mcpauth.token.AccessToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Applies the {@link RateLimit}s: one token bucket and one in-flight count per limit, caller and tool. A call is
 * admitted only if every limit that covers its tool admits it (then each is charged); otherwise nothing is charged
 * and the answer says which limit refused and when a retry can succeed. Holds at most {@link #MAX_BUCKETS} buckets:
 * beyond that, buckets that are full and idle (indistinguishable from new ones) are dropped.
 */
final class RateLimiter {

    static final int MAX_BUCKETS = 100_000;

    private record Limit(RateLimit spec, Pattern tools) {
    }

    private record Key(String limit, String caller, String tool) {
    }

    /** A refusal: the limit's name and description, and how long until a call may succeed. */
    record Refusal(RateLimit limit, Duration retryAfter, String why) {
    }

    private final List<Limit> limits = new ArrayList<>();
    private final Map<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    RateLimiter(List<RateLimit> limits, LongSupplier nanos) {
        limits.forEach(l -> this.limits.add(new Limit(l, l.pattern())));
        this.nanos = nanos;
    }

    boolean isEmpty() {
        return limits.isEmpty();
    }

    /** Every configured limit, in order. */
    List<RateLimit> limits() {
        return limits.stream().map(Limit::spec).toList();
    }

    /**
     * Charges one call to {@code tool} by {@code caller}: a permit to {@link CallPermit#release()} when the call ends, or
     * the refusal of the first limit that is exhausted.
     */
    Object admit(AccessToken caller, String tool) {
        List<Bucket> charged = new ArrayList<>();
        for (Limit limit : limits) {
            if (!limit.tools().matcher(tool).matches()) {
                continue;
            }
            Bucket bucket = bucket(new Key(limit.spec().name(), callerKey(limit.spec().per(), caller), tool), limit.spec());
            Refusal refusal = bucket.take(limit.spec(), nanos.getAsLong());
            if (refusal != null) {
                charged.forEach(b -> b.refund(nanos.getAsLong()));
                return refusal;
            }
            charged.add(bucket);
        }
        return charged.isEmpty() ? CallPermit.NONE : new CallPermit(charged.stream().<Runnable>map(b -> b::endCall).toList());
    }

    private Bucket bucket(Key key, RateLimit spec) {
        if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(key)) {
            long now = nanos.getAsLong();
            buckets.values().removeIf(b -> b.idle(now));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(spec, nanos.getAsLong()));
    }

    static String callerKey(RateLimit.Per per, AccessToken caller) {
        if (caller == null) {
            return "anonymous";
        }
        if (per == RateLimit.Per.CLIENT && caller.clientId() != null) {
            return "client\n" + caller.clientId();
        }
        return caller.subject() != null ? "subject\n" + caller.issuer() + "\n" + caller.subject() : "client\n" + caller.principal();
    }

    /** A token bucket of {@code calls} tokens refilled over the window, and the count of calls in flight. */
    private static final class Bucket {
        private final RateLimit spec;
        private final double refillPerNano;
        private double tokens;
        private long last;
        private int inFlight;

        Bucket(RateLimit spec, long now) {
            this.spec = spec;
            this.refillPerNano = spec.calls() == 0 ? 0 : spec.calls() / (double) spec.window().toNanos();
            this.tokens = spec.calls();
            this.last = now;
        }

        synchronized Refusal take(RateLimit limit, long now) {
            refill(now);
            if (spec.concurrent() > 0 && inFlight >= spec.concurrent()) {
                // Nobody can tell when a running call ends: a second is a polite guess, never zero.
                return new Refusal(limit, Duration.ofSeconds(1), inFlight + " calls already running");
            }
            if (spec.calls() > 0 && tokens < 1) {
                long wait = (long) Math.ceil((1 - tokens) / refillPerNano);
                return new Refusal(limit, Duration.ofNanos(wait), "no calls left in this window");
            }
            if (spec.calls() > 0) {
                tokens -= 1;
            }
            inFlight++;
            return null;
        }

        synchronized void refund(long now) {
            refill(now);
            if (spec.calls() > 0) {
                tokens = Math.min(spec.calls(), tokens + 1);
            }
            inFlight = Math.max(0, inFlight - 1);
        }

        synchronized void endCall() {
            inFlight = Math.max(0, inFlight - 1);
        }

        synchronized boolean idle(long now) {
            refill(now);
            return inFlight == 0 && tokens >= spec.calls();
        }

        private void refill(long now) {
            if (spec.calls() > 0 && now > last) {
                tokens = Math.min(spec.calls(), tokens + (now - last) * refillPerNano);
            }
            last = Math.max(last, now);
        }
    }
}
