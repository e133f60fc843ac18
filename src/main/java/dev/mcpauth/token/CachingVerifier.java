package dev.mcpauth.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers verdicts so the common case costs one SHA-256 and one map lookup. Accepted tokens are kept until
 * {@code min(exp + clock skew, now + maxTtl)} (the delegate's {@link AccessToken#acceptedUntil()}); for introspection, maxTtl bounds how long a revoked token is still accepted.
 * Rejections may be kept briefly so a flood of one bad token is cheap. "Verifier unavailable" is never kept.
 * Concurrent misses for one token share one call to the delegate: when a busy client's entry runs out, its
 * in-flight requests would otherwise all ask the introspection endpoint (or check the signature) at once.
 */
public final class CachingVerifier implements TokenVerifier, KnownValidTokens {

    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    public static final int DEFAULT_MAX_REJECTED_ENTRIES = 1_000;

    private record Accepted(AccessToken token, Instant until) {
    }

    private record Rejected(TokenRejected.Reason reason, String description, Instant until) {
    }

    /** Never used itself: only cloned, so it is never shared between threads. */
    private static final MessageDigest SHA256 = sha256Prototype();

    private final TokenVerifier delegate;
    private final Duration maxTtl;
    private final Duration rejectedTtl;
    private final int maxEntries;
    private final int maxRejectedEntries;
    private final Clock clock;
    private final Map<ByteBuffer, Accepted> accepted = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Rejected> rejected = new ConcurrentHashMap<>();
    /** The delegate calls under way, by token digest; callers that miss meanwhile wait for the same verdict. */
    private final Map<ByteBuffer, CompletableFuture<AccessToken>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param maxTtl      longest time a verdict of "accepted" is reused without asking the delegate again
     * @param rejectedTtl how long a rejection is reused; zero turns the negative cache off
     */
    public CachingVerifier(TokenVerifier delegate, Duration maxTtl, Duration rejectedTtl, int maxEntries,
                           int maxRejectedEntries, Clock clock) {
        if (maxTtl.isNegative() || maxTtl.isZero() || rejectedTtl.isNegative() || maxEntries < 1 || maxRejectedEntries < 1) {
            throw new IllegalArgumentException("token cache needs a positive TTL and size (rejected TTL may be zero)");
        }
        this.delegate = delegate;
        this.maxTtl = maxTtl;
        this.rejectedTtl = rejectedTtl;
        this.maxEntries = maxEntries;
        this.maxRejectedEntries = maxRejectedEntries;
        this.clock = clock;
    }

    /** 10 000 accepted tokens for at most {@code maxTtl}; rejections kept 5 s. */
    public static CachingVerifier wrap(TokenVerifier delegate, Duration maxTtl) {
        return new CachingVerifier(delegate, maxTtl, Duration.ofSeconds(5), DEFAULT_MAX_ENTRIES,
                DEFAULT_MAX_REJECTED_ENTRIES, Clock.systemUTC());
    }

    @Override
    public AccessToken verify(String token) throws TokenRejected {
        TokenSize.check(token);
        ByteBuffer key = sha256(token);
        Instant now = clock.instant();
        Accepted hit = accepted.get(key);
        if (hit != null) {
            // Expiry is checked on every hit: a cached token is never used past its exp or the cache bound.
            if (now.isBefore(hit.until()) && !hit.token().isExpired(now)) {
                return hit.token();
            }
            accepted.remove(key, hit);
        }
        Rejected no = rejected.get(key);
        if (no != null) {
            if (now.isBefore(no.until())) {
                throw new TokenRejected(no.reason(), no.description());
            }
            rejected.remove(key, no);
        }
        return verifyOnce(token, key, now);
    }

    /** The delegate's verdict, asked by the first caller that misses; the others wait for that one answer. */
    private AccessToken verifyOnce(String token, ByteBuffer key, Instant now) throws TokenRejected {
        CompletableFuture<AccessToken> mine = new CompletableFuture<>();
        CompletableFuture<AccessToken> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return awaitVerdict(running);
        }
        try {
            AccessToken verified = verifyAndRemember(token, key, now);
            mine.complete(verified);
            return verified;
        } catch (TokenRejected | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Waits as long as the delegate call does (the delegate bounds its own time); a rejection is this caller's too. */
    private static AccessToken awaitVerdict(CompletableFuture<AccessToken> running) throws TokenRejected {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TokenRejected rejected) {
                throw new TokenRejected(rejected.reason(), rejected.description());
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** One hash and one lookup, never the delegate: an entry past its bound or {@code exp} is not known valid. */
    @Override
    public boolean isKnownValid(String token) {
        if (token == null || token.length() > TokenSize.MAX_TOKEN_CHARS) {
            return false;
        }
        Accepted hit = accepted.get(sha256(token));
        Instant now = clock.instant();
        return hit != null && now.isBefore(hit.until()) && !hit.token().isExpired(now);
    }

    private AccessToken verifyAndRemember(String token, ByteBuffer key, Instant now) throws TokenRejected {
        AccessToken verified;
        try {
            verified = delegate.verify(token);
        } catch (TokenRejected e) {
            // A verifier outage says nothing about the token: never remember it.
            if (e.reason() != TokenRejected.Reason.VERIFIER_UNAVAILABLE && !rejectedTtl.isZero()) {
                rejected.put(key, new Rejected(e.reason(), e.description(), now.plus(rejectedTtl)));
                trim(rejected, maxRejectedEntries, now, Rejected::until);
            }
            throw e;
        }
        // Kept as long as the delegate would accept it (exp + clock skew, as it decided), never longer.
        Instant until = now.plus(maxTtl);
        if (verified.acceptedUntil() != null && verified.acceptedUntil().isBefore(until)) {
            until = verified.acceptedUntil();
        }
        if (now.isBefore(until)) {
            accepted.put(key, new Accepted(verified, until));
            trim(accepted, maxEntries, now, Accepted::until);
        }
        return verified;
    }

    /** Over the bound: drop what has expired, then the entries closest to expiry, down to 90% of the bound. */
    private static <V> void trim(Map<ByteBuffer, V> map, int bound, Instant now, java.util.function.Function<V, Instant> until) {
        if (map.size() <= bound) {
            return;
        }
        synchronized (map) {
            map.values().removeIf(entry -> !now.isBefore(until.apply(entry)));
            int excess = map.size() - bound * 9 / 10;
            if (excess > 0) {
                map.entrySet().stream()
                        .sorted(Comparator.comparing(entry -> until.apply(entry.getValue())))
                        .limit(excess)
                        .map(Map.Entry::getKey)
                        .toList()
                        .forEach(map::remove);
            }
        }
    }

    private static ByteBuffer sha256(String token) {
        try {
            // A clone of one instance skips the provider lookup of getInstance on every request.
            MessageDigest digest = (MessageDigest) SHA256.clone();
            return ByteBuffer.wrap(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 implementation cannot be cloned", e);
        }
    }

    private static MessageDigest sha256Prototype() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.clone();
            return digest;
        } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 (cloneable, as the JDK's is) is required", e);
        }
    }

    /** Number of accepted tokens currently remembered. */
    public int size() {
        return accepted.size();
    }

    @Override
    public String toString() {
        return delegate + ", cached up to " + maxEntries + " tokens for at most " + maxTtl.toSeconds() + "s";
    }
}
