package dev.mcpauth.token;

import static dev.mcpauth.token.TestTokens.ISSUER;
import static dev.mcpauth.token.TestTokens.RESOURCE;
import static dev.mcpauth.token.TestTokens.goodClaims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.support.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issuer's JWKS endpoint stops, hangs or rotates while tokens keep arriving (a real Undertow server on loopback). */
class JwksOutageTest {

    private static final JWK KNOWN = Keys.generate(JWSAlgorithm.ES256);
    private static final Duration CONNECT = Duration.ofMillis(200);
    private static final Duration READ = Duration.ofMillis(400);
    /** 1 s cache refreshed 100 ms ahead, two unknown-kid refetches per 900 ms, 2 s outage tolerance. */
    private static final JwksOptions FAST = JwksOptions.defaults().withTimeouts(CONNECT, READ)
            .withCache(Duration.ofMillis(1000), Duration.ofMillis(100), Duration.ofMillis(900))
            .withOutageTolerance(Duration.ofSeconds(2));

    /**
     * FAST without the background refresh a second after start: on a loaded machine that refresh could land before
     * the issuer stops and spend the refetch budget, so the first unknown kid never reached the stopped issuer.
     */
    private static final JwksOptions FAST_NO_REFRESH = FAST.withOutageTolerance(Duration.ofSeconds(60))
            .withCache(Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMillis(900));

    private final JwksServer issuer = server();
    private final String knownToken = TestTokens.withKey(goodClaims().build(), KNOWN, JWSAlgorithm.ES256);
    private JwksVerifier verifier;

    private static JwksServer server() {
        try {
            return new JwksServer(new JWKSet(KNOWN));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (verifier != null) {
            verifier.close();
        }
        issuer.close();
    }

    private JwksVerifier started(JwksOptions options) throws TokenRejected {
        verifier = JwksVerifier.fromJwksUri(issuer.uri(), JwtRules.of(ISSUER, RESOURCE), options);
        assertThat(verifier.verify(knownToken).subject()).isEqualTo("alice");
        return verifier;
    }

    private static String rotatedKeyToken() {
        return TestTokens.withKey(goodClaims().build(), Keys.generate(JWSAlgorithm.ES256), JWSAlgorithm.ES256);
    }

    private static TokenRejected rejection(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
        } catch (TokenRejected e) {
            return e;
        }
        throw new AssertionError("token was accepted");
    }

    @Test
    void tokenWithAnUnknownKeyWhileTheJwksIsDownIsUnavailableNeverInvalid() throws Exception {
        started(FAST_NO_REFRESH);
        issuer.stop();

        for (int i = 0; i < 20; i++) {
            TokenRejected e = rejection(verifier, rotatedKeyToken());
            assertThat(e.reason()).as("attempt %d: %s", i, e.description()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
            assertThat(e.reason().httpStatus()).isEqualTo(503);
            assertThat(e.description()).contains("cannot be fetched").contains("retry later");
        }

        // The issuer comes back having rotated to a new key: the first token signed with it is accepted.
        JWK rotated = Keys.generate(JWSAlgorithm.ES256);
        issuer.publish(new JWKSet(java.util.List.of(KNOWN, rotated)));
        issuer.start();
        Thread.sleep(FAST_NO_REFRESH.rateLimit().toMillis() + 100);
        assertThat(verifier.verify(TestTokens.withKey(goodClaims().build(), rotated, JWSAlgorithm.ES256)).subject()).isEqualTo("alice");
        TokenRejected stranger = rejection(verifier, rotatedKeyToken());
        assertThat(stranger.reason()).as(stranger.description()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
    }

    @Test
    void knownKeyKeepsWorkingThroughAnOutageWithinTheToleranceAndIsUnavailableAfterIt() throws Exception {
        long fetched = System.nanoTime();
        started(FAST);
        issuer.stop();

        // Within the tolerance, across two cache expiries, with tokens of unknown kids spending the refetch budget.
        while (elapsed(fetched).compareTo(FAST.outageTolerance().minusMillis(300)) < 0) {
            assertThat(verifier.verify(knownToken).subject()).isEqualTo("alice");
            assertThat(rejection(verifier, rotatedKeyToken()).reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
            Thread.sleep(50);
        }

        // After the tolerance (and at most one cache TTL more), the stale keys are no longer trusted: 503, never 401.
        Duration deadline = FAST.outageTolerance().plus(FAST.cacheTtl()).plus(FAST.refreshTimeout()).plusMillis(500);
        TokenRejected refused = null;
        while (refused == null && elapsed(fetched).compareTo(deadline) < 0) {
            try {
                verifier.verify(knownToken);
                Thread.sleep(50);
            } catch (TokenRejected e) {
                refused = e;
            }
        }
        assertThat(refused).as("refused within " + deadline).isNotNull();
        assertThat(refused.reason()).as(refused.description()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
    }

    @Test
    void hangingJwksStallsNoVerificationBeyondTheFetchTimeoutsAndKnownKeysStillWork() throws Exception {
        started(FAST);
        issuer.hang();

        // A request may wait for a background fetch that is timing out, then time out its own: two fetches at most.
        Duration bound = CONNECT.plus(READ).multipliedBy(2).plusMillis(400);
        long start = System.nanoTime();
        int verified = 0;
        while (elapsed(start).compareTo(Duration.ofMillis(1800)) < 0) {
            long before = System.nanoTime();
            assertThat(verifier.verify(knownToken).subject()).isEqualTo("alice");
            assertThat(elapsed(before)).as("verification %d", verified).isLessThan(bound);
            verified++;
            Thread.sleep(30);
        }
        assertThat(issuer.hits()).as("the hanging endpoint was asked again").isGreaterThan(1);
    }

    @Test
    void unreachableJwksIsLoggedOnceAsAWarningAndItsRecoveryOnce() throws Exception {
        try (LogCapture log = new LogCapture("dev.mcpauth.token.RemoteJwks")) {
            started(FAST);
            issuer.stop();
            for (int i = 0; i < 30; i++) {
                verifier.verify(knownToken);
                rejection(verifier, rotatedKeyToken());
                Thread.sleep(40);
            }
            issuer.start();
            Thread.sleep(FAST.rateLimit().toMillis() + 100);
            rejection(verifier, rotatedKeyToken());

            // Only this issuer's lines: the capture hears every RemoteJwks in this JVM.
            String url = issuer.uri().toString();
            assertThat(log.lines().stream().filter(line -> line.startsWith("WARN") && line.contains(url))).singleElement().asString()
                    .contains("unreachable").contains("--jwks-outage-tolerance");
            assertThat(log.lines().stream().filter(line -> line.contains("reachable again") && line.contains(url))).hasSize(1);
        }
    }

    /** A gateway that has stopped fetches no more keys: its verifier's refresh schedule ends with it. */
    @Test
    void aStoppedGatewayNoLongerRefreshesItsKeys(@TempDir Path root) throws Exception {
        // Keys cached for 3 s and refreshed 1 s ahead: the background refresh is due 2 s after the first fetch.
        JwksOptions refreshInTwoSeconds = FAST.withOutageTolerance(Duration.ofSeconds(60))
                .withCache(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(900));
        TestGateway gw = TestGateway.start(TestGateway.config(new GatewayConfig.Jwks(issuer.uri(), ISSUER, refreshInTwoSeconds), root, true));
        try {
            // Checked against the fetched keys (then refused: the token is for another resource), which schedules
            // their refresh.
            assertThat(gw.send(gw.post(knownToken, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).statusCode()).isEqualTo(401);
            assertThat(issuer.hits()).isEqualTo(1);
        } finally {
            gw.close();
        }
        Thread.sleep(3000);
        assertThat(issuer.hits()).as("fetches once the gateway stopped (its refresh was due 2 s after the first)").isEqualTo(1);
    }

    private static Duration elapsed(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }
}
