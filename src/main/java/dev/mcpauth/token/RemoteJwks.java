package dev.mcpauth.token;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetSourceWrapper;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.RefreshAheadCachingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.mcpauth.metrics.Metrics;
import java.net.URL;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's JWKS fetched over HTTP, as a chain of nimbus sources, top to bottom:
 * <pre>
 *   refresh-ahead cache (scheduled background refresh, so requests do not wait while the issuer answers)
 *   → outage tolerance (the last good key set, for {@link JwksOptions#outageTolerance()} after it was fetched)
 *   → rate limit (unknown kids cause at most two fetches per interval; a limited fetch counts as an outage here)
 *   → reachability (remembers whether the last fetch worked; WARN once per outage)
 *   → HTTP fetch (connect/read timeouts, size limit)
 * </pre>
 * nimbus's own builder puts the rate limit above the outage tolerance, so a cache expiry that meets the rate limit
 * during an outage refused tokens signed with known keys; here the known keys keep working.
 */
final class RemoteJwks {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);

    private RemoteJwks() {
    }

    /** The source for a key selector, and the reachability of its issuer. */
    record Chain(JWKSource<SecurityContext> source, Reachability reachability) {
    }

    static Chain build(URL jwksUrl, ResourceRetriever retriever, JwksOptions options) {
        Reachability reachability = new Reachability(new URLBasedJWKSetSource<>(jwksUrl, retriever), jwksUrl, options);
        JWKSetSource<SecurityContext> source = new RateLimitedJWKSetSource<>(reachability, options.rateLimit().toMillis(), null);
        if (!options.outageTolerance().isZero()) {
            source = new OutageTolerantJWKSetSource<>(new RateLimitAsOutage(source),
                    options.outageTolerance().toMillis(), null);
        }
        source = new RefreshAheadCachingJWKSetSource<>(source, options.cacheTtl().toMillis(), options.refreshTimeout().toMillis(),
                options.refreshAhead().toMillis(), Executors.newSingleThreadExecutor(daemon("mcp-auth-jwks-refresh")), true, null,
                Executors.newSingleThreadScheduledExecutor(daemon("mcp-auth-jwks-schedule")), true);
        return new Chain(new JWKSetBasedJWKSource<>(source), reachability);
    }

    /** Daemon threads: a verifier never holds the JVM open. */
    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Whether the issuer answered the last fetch. Tells "the key is not published" (401) from "the keys cannot be
     * fetched now" (503), and logs the outage once when it starts and once when it ends.
     */
    static final class Reachability extends JWKSetSourceWrapper<SecurityContext> {
        private final URL url;
        private final JwksOptions options;
        private volatile String outage;
        private volatile Instant lastSuccess;

        Reachability(JWKSetSource<SecurityContext> source, URL url, JwksOptions options) {
            super(source);
            this.url = url;
            this.options = options;
        }

        /** Why the last fetch failed, or empty when it worked (or none has been made). */
        Optional<String> outage() {
            return Optional.ofNullable(outage);
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
                throws KeySourceException {
            try {
                JWKSet keys = getSource().getJWKSet(evaluator, currentTime, context);
                recovered();
                return keys;
            } catch (JWKSetUnavailableException e) {
                failed(e);
                throw e;
            }
        }

        private synchronized void recovered() {
            Metrics.jwksFetch(true);
            Metrics.issuerReachable(url.toString(), true);
            if (outage != null) {
                LOG.info("JWKS at {} is reachable again; its keys are fresh", url);
            }
            outage = null;
            lastSuccess = Instant.now();
        }

        private synchronized void failed(Exception e) {
            Metrics.jwksFetch(false);
            Metrics.issuerReachable(url.toString(), false);
            boolean starts = outage == null;
            outage = "the JWKS at " + url + " cannot be fetched (" + JwtProcessing.safe(e.getMessage()) + ")";
            if (starts) {
                LOG.warn("JWKS at {} is unreachable ({}); {}", url, JwtProcessing.safe(e.getMessage()), lastSuccess == null
                        ? "no keys were ever fetched, so every token is refused with 503 until it answers"
                        : "tokens signed with the keys fetched at " + lastSuccess + " stay accepted for up to "
                        + options.outageTolerance() + " after that fetch (--jwks-outage-tolerance); unknown keys get 503");
            }
        }
    }

    /**
     * A refetch refused by the rate limit is, for the outage-tolerant source above, like an outage: it serves the last
     * good key set instead of failing the request (a token with an unknown kid then finds no key: 401, or 503 if the
     * issuer is unreachable).
     */
    private static final class RateLimitAsOutage extends JWKSetSourceWrapper<SecurityContext> {
        RateLimitAsOutage(JWKSetSource<SecurityContext> source) {
            super(source);
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
                throws KeySourceException {
            try {
                return getSource().getJWKSet(evaluator, currentTime, context);
            } catch (RateLimitReachedException e) {
                throw new JWKSetUnavailableException("the JWKS was refetched moments ago (rate limit)", e);
            }
        }
    }
}
