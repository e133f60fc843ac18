package dev.mcpauth.authserver;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** A sliding-window limit per key (the remote address): at most {@code limit} events per {@code window}. */
final class RateLimiter {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Long>> events = new HashMap<>();

    RateLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    synchronized boolean tryAcquire(String key) {
        long now = clock.millis();
        long start = now - window.toMillis();
        // Forget idle keys so the map cannot grow without bound.
        events.values().removeIf(d -> {
            while (!d.isEmpty() && d.peekFirst() <= start) {
                d.pollFirst();
            }
            return d.isEmpty();
        });
        Deque<Long> d = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (d.size() >= limit) {
            return false;
        }
        d.addLast(now);
        return true;
    }
}
