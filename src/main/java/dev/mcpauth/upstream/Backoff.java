package dev.mcpauth.upstream;

import java.time.Duration;

/**
 * How quickly a lost upstream is retried: the delay starts at {@code initial}, doubles after each failure up to
 * {@code max}, and starts again from {@code initial} once a connection stayed up for {@code stableAfter}.
 */
public record Backoff(Duration initial, Duration max, Duration stableAfter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(1));

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || stableAfter.isNegative()) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and stableAfter >= 0");
        }
    }

    /** The delay after {@code current}: doubled, but never above {@link #max}. */
    Duration next(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
