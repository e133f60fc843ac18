package dev.mcpauth.token;

import java.time.Duration;

/**
 * How a remote JWKS is fetched and cached (nimbus {@code JWKSourceBuilder}).
 *
 * @param cacheTtl          how long a fetched JWKS is used before it is fetched again; a removed key stays
 *                          trusted at most this long (plus the outage tolerance while the issuer is down)
 * @param refreshAhead      refresh in the background this long before the cache expires, so requests never wait
 * @param rateLimit         minimum interval between refetches caused by unknown {@code kid}s: a flood of forged
 *                          kids costs the issuer at most one extra fetch per interval
 * @param outageTolerance   keep using the last good JWKS this long after it was fetched when the issuer cannot be
 *                          reached (plus at most one cache TTL); zero disables; otherwise at least the cache TTL
 * @param connectTimeout    HTTP connect timeout: with the read timeout, the longest a request waits on a fetch
 * @param readTimeout       HTTP read timeout (no retry: a failed fetch is tried again by the next refresh)
 * @param sizeLimitBytes    largest JWKS document accepted
 */
public record JwksOptions(Duration cacheTtl, Duration refreshAhead, Duration rateLimit, Duration outageTolerance,
                          Duration connectTimeout, Duration readTimeout, int sizeLimitBytes) {

    public JwksOptions {
        require(cacheTtl, "cacheTtl");
        require(refreshAhead, "refreshAhead");
        require(rateLimit, "rateLimit");
        require(outageTolerance, "outageTolerance");
        require(connectTimeout, "connectTimeout");
        require(readTimeout, "readTimeout");
        if (cacheTtl.compareTo(rateLimit) <= 0) {
            throw new IllegalArgumentException("JWKS cache TTL (" + cacheTtl + ") must be longer than the refetch rate limit (" + rateLimit + ")");
        }
        if (connectTimeout.isZero() || readTimeout.isZero()) {
            throw new IllegalArgumentException("JWKS connect and read timeouts must be positive (zero would wait forever)");
        }
        Duration refreshTimeout = connectTimeout.plus(readTimeout).plus(REFRESH_MARGIN);
        if (refreshAhead.plus(refreshTimeout).compareTo(cacheTtl) >= 0) {
            throw new IllegalArgumentException("JWKS refresh-ahead time (" + refreshAhead + ") plus the HTTP timeouts ("
                    + refreshTimeout + ") must be shorter than the cache TTL (" + cacheTtl + ")");
        }
        if (!outageTolerance.isZero() && outageTolerance.compareTo(cacheTtl) < 0) {
            throw new IllegalArgumentException("JWKS outage tolerance (" + outageTolerance + ") must be zero or at least the cache TTL ("
                    + cacheTtl + "): the cache already keeps keys that long");
        }
        if (sizeLimitBytes <= 0) {
            throw new IllegalArgumentException("JWKS size limit must be positive");
        }
    }

    /** Room for a fetch that ends exactly at its timeouts to hand its result to the requests waiting on it. */
    private static final Duration REFRESH_MARGIN = Duration.ofMillis(250);

    /** 5 min cache, refresh 30 s ahead, at most one unknown-kid refetch per 30 s, 15 min outage tolerance, 1 s + 2 s timeouts. */
    public static JwksOptions defaults() {
        return new JwksOptions(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofSeconds(2), 256 * 1024);
    }

    public JwksOptions withCache(Duration ttl, Duration ahead, Duration limit) {
        return new JwksOptions(ttl, ahead, limit, outageTolerance, connectTimeout, readTimeout, sizeLimitBytes);
    }

    public JwksOptions withOutageTolerance(Duration tolerance) {
        return new JwksOptions(cacheTtl, refreshAhead, rateLimit, tolerance, connectTimeout, readTimeout, sizeLimitBytes);
    }

    public JwksOptions withTimeouts(Duration connect, Duration read) {
        return new JwksOptions(cacheTtl, refreshAhead, rateLimit, outageTolerance, connect, read, sizeLimitBytes);
    }

    /** How long requests wait for a refresh another thread started: one fetch, which is not retried. */
    public Duration refreshTimeout() {
        return connectTimeout.plus(readTimeout).plus(REFRESH_MARGIN);
    }

    private static void require(Duration value, String name) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException("JWKS option " + name + " must be a non-negative duration");
        }
    }
}
