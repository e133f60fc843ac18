package dev.mcpauth.token;

import static dev.mcpauth.token.TestTokens.ISSUER;
import static dev.mcpauth.token.TestTokens.RESOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachingVerifierTest {

    /** Threads that verify one token at once in the concurrency tests. */
    private static final int CALLERS = 8;

    private final LocalHttpServer as = IntrospectionVerifierTest.start();
    private final AtomicReference<LocalHttpServer.Reply> reply = new AtomicReference<>();
    private final IntrospectionVerifier introspection;

    CachingVerifierTest() {
        as.route("/introspect", request -> reply.get());
        introspection = new IntrospectionVerifier(as.uri("/introspect"), "gw", "secret", JwtRules.of(ISSUER, RESOURCE).withClockSkew(Duration.ZERO));
    }

    @AfterEach
    void stop() {
        as.close();
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private void active(long expInSeconds) {
        reply.set(LocalHttpServer.Reply.json(IntrospectionVerifierTest.activeResponse(expInSeconds, RESOURCE)));
    }

    @Test
    void secondVerifyOfTheSameTokenDoesNotAskTheIntrospectionEndpoint() throws TokenRejected {
        active(600);
        CachingVerifier cache = CachingVerifier.wrap(introspection, Duration.ofMinutes(1));

        AccessToken first = cache.verify("token-a");
        AccessToken second = cache.verify("token-a");

        assertThat(second).isEqualTo(first);
        assertThat(as.hits("/introspect")).isEqualTo(1);
        cache.verify("token-b");
        assertThat(as.hits("/introspect")).isEqualTo(2);
    }

    @Test
    void maxTtlBoundsHowLongARevokedTokenStaysAccepted() throws TokenRejected {
        active(3600);
        ManualClock clock = new ManualClock();
        CachingVerifier cache = new CachingVerifier(introspection, Duration.ofSeconds(30), Duration.ZERO, 1 << 20, 100, clock);
        cache.verify("token-a");

        reply.set(LocalHttpServer.Reply.json("{\"active\":false}"));
        clock.advance(Duration.ofSeconds(29));
        assertThat(cache.verify("token-a").subject()).isEqualTo("alice");
        clock.advance(Duration.ofSeconds(2));

        assertThat(IntrospectionVerifierTest.rejection(cache, "token-a").description()).contains("not active");
        assertThat(as.hits("/introspect")).isEqualTo(2);
    }

    @Test
    void cachedTokenIsRefusedOnceItExpires() throws Exception {
        // exp is whole seconds: now + 2 leaves at least one second for the two verifications before it passes.
        active(2);
        CachingVerifier cache = CachingVerifier.wrap(introspection, Duration.ofMinutes(5));
        cache.verify("short-lived");

        Thread.sleep(Duration.between(Instant.now(), cache.verify("short-lived").expiresAt()).plusMillis(100).toMillis());

        TokenRejected e = IntrospectionVerifierTest.rejection(cache, "short-lived");
        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(e.description()).contains("expired");
    }

    @Test
    void verifierUnavailableIsNeverCached() throws TokenRejected {
        reply.set(new LocalHttpServer.Reply(503, "text/plain", "maintenance"));
        CachingVerifier cache = CachingVerifier.wrap(introspection, Duration.ofMinutes(1));

        assertThat(IntrospectionVerifierTest.rejection(cache, "token-a").reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        active(600);

        assertThat(cache.verify("token-a").subject()).isEqualTo("alice");
        assertThat(as.hits("/introspect")).isEqualTo(2);
    }

    @Test
    void floodOfTheSameBadTokenAsksTheSourceOnce() {
        AtomicInteger calls = new AtomicInteger();
        TokenVerifier strict = token -> {
            calls.incrementAndGet();
            throw TokenRejected.invalid("the token signature is invalid");
        };
        CachingVerifier cache = CachingVerifier.wrap(strict, Duration.ofMinutes(1));

        for (int i = 0; i < 100; i++) {
            assertThat(IntrospectionVerifierTest.rejection(cache, "forged").description()).contains("signature");
        }

        assertThat(calls).hasValue(1);
    }

    @Test
    void manyDistinctTokensStayWithinTheMemoryBoundWhileTheTokenInUseStaysCached() throws Exception {
        Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
        Instant soon = Instant.now().plusSeconds(600);
        TokenVerifier anyone = token -> {
            calls.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
            // The token in steady use expires first: a cache that evicts by nearest expiry drops it first.
            Instant exp = token.equals("hot") ? soon : soon.plusSeconds(600);
            return new AccessToken(token, "client", Set.of("math:calculate"), List.of(RESOURCE), ISSUER, exp,
                    Map.of("sub", token, "aud", RESOURCE, "jti", "jti-" + token));
        };
        long entryBytes = TokenCacheWeight.of(anyone.verify("token-0"));
        calls.clear();
        long bound = 200 * entryBytes;
        CachingVerifier cache = new CachingVerifier(anyone, Duration.ofMinutes(20), Duration.ZERO, bound, 10, Clock.systemUTC());

        for (int i = 0; i < 20_000; i++) {
            assertThat(cache.verify("hot").subject()).isEqualTo("hot");
            cache.verify("token-" + i);
            if (i % 1000 == 999) {
                assertThat(cache.weight()).isLessThanOrEqualTo(bound);
                assertThat(cache.size()).isLessThanOrEqualTo(200);
            }
        }
        assertThat(calls.get("hot")).as("the token in use is verified once, not once per eviction").hasValue(1);

        // Sixteen callers go through the same 150 new tokens at once: each token is verified once, whoever misses.
        TokenVerifier slow = token -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return anyone.verify(token);
        };
        CachingVerifier shared = new CachingVerifier(slow, Duration.ofMinutes(20), Duration.ZERO, bound, 10, Clock.systemUTC());
        calls.clear();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> callers = new ArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        for (int c = 0; c < 16; c++) {
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 150; i++) {
                        if (shared.verify("burst-" + i).subject().equals("burst-" + i)) {
                            accepted.incrementAndGet();
                        }
                    }
                } catch (InterruptedException | TokenRejected e) {
                    throw new AssertionError(e);
                }
            }));
        }
        start.countDown();
        for (Thread caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(accepted).hasValue(16 * 150);
        assertThat(calls).hasSize(150).allSatisfy((token, n) -> assertThat(n).as(token).hasValue(1));
    }

    @Test
    void oversizedTokenIsRefusedBeforeHashing() {
        AtomicInteger calls = new AtomicInteger();
        CachingVerifier cache = CachingVerifier.wrap(token -> {
            calls.incrementAndGet();
            throw TokenRejected.invalid("never");
        }, Duration.ofMinutes(1));

        assertThat(IntrospectionVerifierTest.rejection(cache, "x".repeat(64 * 1024)).reason()).isEqualTo(TokenRejected.Reason.INVALID_REQUEST);
        assertThat(calls).hasValue(0);
    }

    @Test
    void concurrentMissesForOneTokenAskTheIntrospectionEndpointOnce() throws Exception {
        List<Object> verdicts = verifyConcurrentlyWhileTheEndpointWaits(IntrospectionVerifierTest.activeResponse(600, RESOURCE));

        assertThat(as.hits("/introspect")).isEqualTo(1);
        assertThat(verdicts).hasSize(CALLERS).allSatisfy(verdict -> assertThat(verdict).isInstanceOf(AccessToken.class));
        assertThat(verdicts.stream().map(v -> ((AccessToken) v).subject()).distinct()).containsExactly("alice");
    }

    @Test
    void concurrentMissesShareOneRejection() throws Exception {
        List<Object> verdicts = verifyConcurrentlyWhileTheEndpointWaits("{\"active\":false}");

        assertThat(as.hits("/introspect")).isEqualTo(1);
        assertThat(verdicts).hasSize(CALLERS).allSatisfy(verdict -> {
            assertThat(verdict).isInstanceOf(TokenRejected.class);
            assertThat(((TokenRejected) verdict).reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        });
    }

    /**
     * {@link #CALLERS} threads verify one token on an empty cache while the endpoint holds its answer until every
     * caller is blocked inside {@code verify}; returns each caller's token or rejection.
     */
    private List<Object> verifyConcurrentlyWhileTheEndpointWaits(String answer) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        as.route("/introspect", request -> {
            release.await(20, TimeUnit.SECONDS);
            return LocalHttpServer.Reply.json(answer);
        });
        CachingVerifier cache = CachingVerifier.wrap(introspection, Duration.ofMinutes(1));
        List<Object> verdicts = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    verdicts.add(cache.verify("busy-token"));
                } catch (TokenRejected e) {
                    verdicts.add(e);
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (as.hits("/introspect") == 0 || !callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING)) {
            assertThat(System.nanoTime()).as("every caller blocked in verify").isLessThan(deadline);
            Thread.sleep(5);
        }
        release.countDown();
        for (Thread caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(20));
        }
        return verdicts;
    }
}
