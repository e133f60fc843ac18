package dev.mcpauth.token;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.mcpauth.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Remembers verdicts so the common case costs one SHA-256 and one lookup. Accepted tokens are kept until
 * {@code min(exp + clock skew, now + maxTtl)} (the delegate's {@link AccessToken#acceptedUntil()}); for introspection,
 * maxTtl bounds how long a revoked token is still accepted. Rejections may be kept briefly so a flood of one bad
 * token is cheap. "Verifier unavailable" is never kept.
 * <p>
 * Both are Caffeine caches (W-TinyLFU: a flood of one-off tokens cannot push out the tokens in steady use), keyed by
 * the token's SHA-256, never the token. Accepted tokens are bounded by memory, not count: each entry weighs its
 * estimated bytes ({@link TokenCacheWeight}), so a cache of small tokens holds more of them than one of large ones.
 * Concurrent misses for one token share one call to the delegate: the first caller puts an incomplete future in the
 * cache and verifies on its own thread (never inside the map's lock, so an introspection call of seconds blocks no
 * other token), the others wait for that future.
 */
public final class CachingVerifier implements TokenVerifier, KnownValidTokens {

    public static final int DEFAULT_MAX_REJECTED_ENTRIES = 1_000;

    /**
     * The one verification's outcome, shared by the callers that waited for it: an accepted token, or the failure
     * every one of them rethrows. A failure is a value, not a failed future: Caffeine logs a failed load at WARNING
     * with its stack trace, and a refused token is routine, not an error of the cache.
     */
    private record Accepted(AccessToken token, Instant until, int bytes, Exception failure) {
        static Accepted failed(Exception failure) {
            return new Accepted(null, Instant.MIN, 0, failure);
        }

        boolean goodAt(Instant now) {
            return failure == null && now.isBefore(until) && !token.isExpired(now);
        }

        AccessToken tokenOrThrow() throws TokenRejected {
            if (failure instanceof TokenRejected rejected) {
                throw new TokenRejected(rejected.reason(), rejected.description());
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            return token;
        }
    }

    private record Rejected(TokenRejected.Reason reason, String description) {
    }

    private final TokenVerifier delegate;
    private final Duration maxTtl;
    private final long maxBytes;
    private final boolean remembersRejections;
    private final Clock clock;
    private final AsyncCache<TokenDigest, Accepted> accepted;
    private final Cache<TokenDigest, Rejected> rejected;

    /**
     * @param maxTtl      longest time a verdict of "accepted" is reused without asking the delegate again
     * @param rejectedTtl how long a rejection is reused; zero turns the negative cache off
     * @param maxBytes    the estimated memory the accepted tokens may take ({@link TokenCacheWeight})
     */
    public CachingVerifier(TokenVerifier delegate, Duration maxTtl, Duration rejectedTtl, long maxBytes,
                           int maxRejectedEntries, Clock clock) {
        if (maxTtl.isNegative() || maxTtl.isZero() || rejectedTtl.isNegative() || maxBytes < 1 || maxRejectedEntries < 1) {
            throw new IllegalArgumentException("token cache needs a positive TTL and size (rejected TTL may be zero)");
        }
        this.delegate = delegate;
        this.maxTtl = maxTtl;
        this.maxBytes = maxBytes;
        this.remembersRejections = !rejectedTtl.isZero();
        this.clock = clock;
        Ticker ticker = () -> nanos(clock.instant());
        // Caffeine's upkeep (applying reads to its eviction policy, expiring) runs on the thread that touched the
        // cache, in small amortized batches, rather than as a task on ForkJoinPool.commonPool: handing it over woke a
        // pool thread every few hits, 1.4 us of CPU a stateless tools/call (per-thread /proc counters, -c32).
        this.accepted = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumWeight(maxBytes)
                .<TokenDigest, Accepted>weigher((key, entry) -> entry.bytes())
                .expireAfter(Expiry.creating((TokenDigest key, Accepted entry) -> entry.failure() != null ? Duration.ZERO
                        : Duration.between(clock.instant(), entry.until())))
                .buildAsync();
        this.rejected = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumSize(maxRejectedEntries)
                .expireAfterWrite(rejectedTtl)
                .build();
    }

    /** Accepted tokens in {@link TokenCacheWeight#defaultBudget()} for at most {@code maxTtl}; rejections kept 5 s. */
    public static CachingVerifier wrap(TokenVerifier delegate, Duration maxTtl) {
        return new CachingVerifier(delegate, maxTtl, Duration.ofSeconds(5), TokenCacheWeight.defaultBudget(),
                DEFAULT_MAX_REJECTED_ENTRIES, Clock.systemUTC());
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public AccessToken verify(String token) throws TokenRejected {
        TokenSize.check(token);
        TokenDigest key = TokenDigest.of(token);
        Instant now = clock.instant();
        CompletableFuture<Accepted> known = accepted.getIfPresent(key);
        if (known != null && known.isDone()) {
            // Expiry is checked on every hit: a cached token is never used past its exp or the cache bound.
            if (known.join().goodAt(now)) {
                Metrics.tokenCache(true);
                return known.join().token();
            }
            accepted.asMap().remove(key, known);
        }
        Rejected no = rejected.getIfPresent(key);
        if (no != null) {
            Metrics.tokenCache(true);
            throw new TokenRejected(no.reason(), no.description());
        }
        Metrics.tokenCache(false);
        return verifyOnce(token, key);
    }

    /** The delegate's verdict, asked by the first caller that misses; the others wait for that one answer. */
    private AccessToken verifyOnce(String token, TokenDigest key) throws TokenRejected {
        CompletableFuture<Accepted> mine = new CompletableFuture<>();
        CompletableFuture<Accepted> shared = accepted.get(key, (k, executor) -> mine);
        if (shared != mine) {
            // Waits as long as the delegate call does (the delegate bounds its own time).
            return shared.join().tokenOrThrow();
        }
        Accepted verdict;
        try {
            verdict = verifyAndRemember(token, key);
        } catch (TokenRejected | RuntimeException e) {
            verdict = Accepted.failed(e);
        } catch (Error e) {
            mine.complete(Accepted.failed(new IllegalStateException("token verification failed", e)));
            accepted.asMap().remove(key, mine);
            throw e;
        }
        mine.complete(verdict);
        if (verdict.failure() != null) {
            accepted.asMap().remove(key, mine);
        }
        return verdict.tokenOrThrow();
    }

    /** One hash and one lookup, never the delegate: an entry past its bound or {@code exp} is not known valid. */
    @Override
    public boolean isKnownValid(String token) {
        if (token == null || token.length() > TokenSize.MAX_TOKEN_CHARS) {
            return false;
        }
        CompletableFuture<Accepted> known = accepted.getIfPresent(TokenDigest.of(token));
        return known != null && known.isDone() && known.join().goodAt(clock.instant());
    }

    private Accepted verifyAndRemember(String token, TokenDigest key) throws TokenRejected {
        AccessToken verified;
        try {
            verified = delegate.verify(token);
        } catch (TokenRejected e) {
            // A verifier outage says nothing about the token: never remember it.
            if (remembersRejections && e.reason() != TokenRejected.Reason.VERIFIER_UNAVAILABLE) {
                rejected.put(key, new Rejected(e.reason(), e.description()));
            }
            throw e;
        }
        // Kept as long as the delegate would accept it (exp + clock skew, as it decided), never longer; an entry
        // whose time is already up expires at once (Caffeine drops a non-positive duration).
        Instant until = clock.instant().plus(maxTtl);
        if (verified.acceptedUntil() != null && verified.acceptedUntil().isBefore(until)) {
            until = verified.acceptedUntil();
        }
        return new Accepted(verified, until, TokenCacheWeight.of(verified), null);
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** Number of accepted tokens currently remembered (after pending evictions have run). */
    public long size() {
        accepted.synchronous().cleanUp();
        return accepted.synchronous().estimatedSize();
    }

    /** The estimated bytes the accepted tokens take now (after pending evictions have run). */
    public long weight() {
        accepted.synchronous().cleanUp();
        return accepted.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    @Override
    public String toString() {
        return delegate + ", cached in up to " + maxBytes / (1024 * 1024) + " MiB for at most " + maxTtl.toSeconds() + "s";
    }
}
