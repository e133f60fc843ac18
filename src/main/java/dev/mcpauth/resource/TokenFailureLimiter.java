package dev.mcpauth.resource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Failed-authentication throttling: counts, per peer, the tokens that failed verification in a window that opens on
 * the peer's first failure. Once a peer has spent its budget, {@link #retryAfter} is positive until that window
 * closes, and {@link BearerAuthHandler} refuses new tokens from it without checking them: a flood of forged tokens
 * then costs a map lookup per request instead of a signature verification.
 * <p>
 * The peer is the TCP source address ({@code X-Forwarded-For} is not trusted: anyone can write it). IPv6 peers are
 * counted per /64, the block one host is usually given, so rotating addresses inside it buys nothing. At most
 * {@code maxTrackedPeers} peers are remembered: past that, expired windows go first, then the peers with the fewest
 * failures, so a blocked peer is the last to be forgotten. Requests of one peer that are in flight together are all
 * checked before their failures are counted, so a burst may overshoot the budget by at most the requests in flight.
 */
public final class TokenFailureLimiter {

    private record Window(long opensAtMillis, int failures) {
    }

    private static final Comparator<Map.Entry<String, Window>> EVICTION_ORDER =
            Comparator.<Map.Entry<String, Window>>comparingInt(e -> e.getValue().failures())
                    .thenComparingLong(e -> e.getValue().opensAtMillis());

    private final int maxFailures;
    private final Duration window;
    private final long windowMillis;
    private final int maxTrackedPeers;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    /** A lock, not {@code synchronized}: a trim must not pin a virtual thread's carrier, and callers that find it held skip it. */
    private final ReentrantLock trimming = new ReentrantLock();

    /**
     * @param maxFailures     failed verifications a peer may cause per window; 0 turns the limiter off
     * @param window          how long a peer's failures are counted, from its first one
     * @param maxTrackedPeers the most peers remembered at once (bounds memory under address rotation)
     */
    public TokenFailureLimiter(int maxFailures, Duration window, int maxTrackedPeers, Clock clock) {
        if (maxFailures < 0 || window.toMillis() < 1 || maxTrackedPeers < 1) {
            throw new IllegalArgumentException("token failure limit needs maxFailures >= 0, a positive window and maxTrackedPeers >= 1, got "
                    + maxFailures + ", " + window + ", " + maxTrackedPeers);
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.windowMillis = window.toMillis();
        this.maxTrackedPeers = maxTrackedPeers;
        this.clock = clock;
    }

    /** A limiter that never refuses and remembers nothing. */
    public static TokenFailureLimiter disabled() {
        return new TokenFailureLimiter(0, Duration.ofMinutes(1), 1, Clock.systemUTC());
    }

    public boolean enabled() {
        return maxFailures > 0;
    }

    public int maxFailures() {
        return maxFailures;
    }

    public Duration window() {
        return window;
    }

    /**
     * Zero while {@code peer} may still have tokens verified; else how long until its window closes. Runs on every
     * request, so the common case (no peer is failing) is one size check, and otherwise one map lookup.
     */
    public Duration retryAfter(InetSocketAddress peer) {
        if (!enabled() || peer == null || windows.isEmpty()) {
            return Duration.ZERO;
        }
        Window w = windows.get(key(peer));
        if (w == null || w.failures() < maxFailures) {
            return Duration.ZERO;
        }
        long left = w.opensAtMillis() + windowMillis - clock.millis();
        return left > 0 ? Duration.ofMillis(left) : Duration.ZERO;
    }

    /** Counts one failed verification against {@code peer}. */
    public void recordFailure(InetSocketAddress peer) {
        if (!enabled() || peer == null) {
            return;
        }
        long now = clock.millis();
        windows.compute(key(peer), (k, old) -> old == null || now - old.opensAtMillis() >= windowMillis
                ? new Window(now, 1)
                : new Window(old.opensAtMillis(), old.failures() + 1));
        if (windows.size() > maxTrackedPeers) {
            trim(now);
        }
    }

    /** Down to 90% of the bound, so that trims are rare even while addresses rotate; one thread trims, others go on. */
    private void trim(long now) {
        if (!trimming.tryLock()) {
            return;
        }
        try {
            windows.entrySet().removeIf(e -> now - e.getValue().opensAtMillis() >= windowMillis);
            int excess = windows.size() - maxTrackedPeers * 9 / 10;
            if (excess > 0) {
                windows.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue()))
                        .sorted(EVICTION_ORDER)
                        .limit(excess)
                        .toList()
                        .forEach(e -> windows.remove(e.getKey(), e.getValue()));
            }
        } finally {
            trimming.unlock();
        }
    }

    /** Peers currently remembered. */
    public int trackedPeers() {
        return windows.size();
    }

    /** What a peer is counted as: its IPv4 address, or its IPv6 /64 prefix. */
    static String key(InetSocketAddress peer) {
        InetAddress address = peer.getAddress();
        if (address == null) {
            return peer.getHostString();
        }
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an IPv6 address", e);
            }
        }
        return address.getHostAddress();
    }

    @Override
    public String toString() {
        return enabled() ? maxFailures + " failed tokens per " + window.toSeconds() + "s per client address" : "off";
    }
}
