package dev.mcpauth.token;

import static dev.mcpauth.token.TestTokens.ISSUER;
import static dev.mcpauth.token.TestTokens.RESOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mcpauth.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * exp, nbf and iat are judged by the verifier, with the clock skew, the same way for every source of truth (shared
 * secret, JWKS, introspection), and the cache keeps an accepted token exactly as long as the verifier would accept it.
 */
class TokenTimeRulesTest {

    private static final byte[] SECRET = "a-shared-secret-of-at-least-thirty-two-bytes".getBytes(StandardCharsets.UTF_8);
    private static final JWK RSA = Keys.generate(JWSAlgorithm.RS256);
    private static final Instant A_YEAR_AHEAD = Instant.now().plus(Duration.ofDays(365));

    private final JwtRules rules = JwtRules.of(ISSUER, RESOURCE); // 60 s clock skew
    private final LocalHttpServer as = IntrospectionVerifierTest.start();

    @AfterEach
    void stop() {
        as.close();
    }

    private static JWTClaimsSet issuedAt(Instant iat) {
        return TestTokens.goodClaims().issueTime(Date.from(iat)).build();
    }

    private static JWTClaimsSet expiredSecondsAgo(long seconds) {
        Instant exp = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(seconds);
        return TestTokens.goodClaims().issueTime(Date.from(exp.minusSeconds(300))).expirationTime(Date.from(exp)).build();
    }

    @Test
    void sharedSecretTokenIssuedAYearAheadIsInvalidTokenNamingIat() {
        String token = TestTokens.hmac(issuedAt(A_YEAR_AHEAD), SECRET, JWSAlgorithm.HS256);

        TokenRejected e = IntrospectionVerifierTest.rejection(new SharedSecretVerifier(SECRET, rules), token);

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(e.description()).contains("issued in the future").contains("iat").contains("60s clock skew");
    }

    @Test
    void jwksTokenIssuedAYearAheadIsInvalidTokenNamingIat() {
        String token = TestTokens.withKey(issuedAt(A_YEAR_AHEAD), RSA, JWSAlgorithm.RS256);

        TokenRejected e = IntrospectionVerifierTest.rejection(JwksVerifier.fromJwkSet(new JWKSet(RSA), rules), token);

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(e.description()).contains("issued in the future").contains("iat");
    }

    @Test
    void introspectionResponseIssuedAYearAheadIsInvalidTokenEvenWhenActive() {
        as.route("/introspect", request -> LocalHttpServer.Reply.json("{\"active\":true,\"sub\":\"alice\",\"aud\":\"" + RESOURCE
                + "\",\"exp\":" + A_YEAR_AHEAD.plusSeconds(600).getEpochSecond() + ",\"iat\":" + A_YEAR_AHEAD.getEpochSecond() + "}"));
        IntrospectionVerifier verifier = new IntrospectionVerifier(as.uri("/introspect"), "gw", "secret", rules);

        TokenRejected e = IntrospectionVerifierTest.rejection(verifier, "opaque-token");

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(e.description()).contains("issued in the future").contains("iat");
    }

    @Test
    void tokenIssuedWithinTheClockSkewAheadIsAccepted() throws TokenRejected {
        String token = TestTokens.hmac(issuedAt(Instant.now().plusSeconds(30)), SECRET, JWSAlgorithm.HS256);

        assertThat(new SharedSecretVerifier(SECRET, rules).verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void tokenTwoSecondsPastExpIsAcceptedUntilExpPlusSkewByEveryVerifier() throws TokenRejected {
        JWTClaimsSet claims = expiredSecondsAgo(2);
        Instant exp = claims.getExpirationTime().toInstant();
        as.route("/introspect", request -> LocalHttpServer.Reply.json("{\"active\":true,\"sub\":\"alice\",\"aud\":\"" + RESOURCE
                + "\",\"exp\":" + exp.getEpochSecond() + "}"));

        AccessToken hmac = new SharedSecretVerifier(SECRET, rules).verify(TestTokens.hmac(claims, SECRET, JWSAlgorithm.HS256));
        AccessToken jwks = JwksVerifier.fromJwkSet(new JWKSet(RSA), rules).verify(TestTokens.withKey(claims, RSA, JWSAlgorithm.RS256));
        AccessToken introspected = new IntrospectionVerifier(as.uri("/introspect"), "gw", "secret", rules).verify("opaque");

        for (AccessToken accepted : new AccessToken[] {hmac, jwks, introspected}) {
            assertThat(accepted.expiresAt()).isEqualTo(exp);
            assertThat(accepted.acceptedUntil()).isEqualTo(exp.plusSeconds(60));
            assertThat(accepted.isExpired(Instant.now())).as("held tokens agree with the verifier").isFalse();
        }
    }

    @Test
    void tokenPastExpPlusSkewIsRefusedByEveryVerifier() {
        JWTClaimsSet claims = expiredSecondsAgo(61);
        as.route("/introspect", request -> LocalHttpServer.Reply.json("{\"active\":true,\"sub\":\"alice\",\"aud\":\"" + RESOURCE
                + "\",\"exp\":" + claims.getExpirationTime().toInstant().getEpochSecond() + "}"));

        assertThat(IntrospectionVerifierTest.rejection(new SharedSecretVerifier(SECRET, rules),
                TestTokens.hmac(claims, SECRET, JWSAlgorithm.HS256)).description()).contains("expired");
        assertThat(IntrospectionVerifierTest.rejection(JwksVerifier.fromJwkSet(new JWKSet(RSA), rules),
                TestTokens.withKey(claims, RSA, JWSAlgorithm.RS256)).description()).contains("expired");
        assertThat(IntrospectionVerifierTest.rejection(new IntrospectionVerifier(as.uri("/introspect"), "gw", "secret", rules),
                "opaque").description()).contains("expired");
    }

    @Test
    void cacheKeepsAnAcceptedTokenUntilExpPlusSkewAndNotASecondLonger() throws TokenRejected {
        String token = TestTokens.hmac(expiredSecondsAgo(2), SECRET, JWSAlgorithm.HS256);
        AccessToken verified = new SharedSecretVerifier(SECRET, rules).verify(token);
        MutableClock clock = new MutableClock(Instant.now());
        CachingVerifier cache = new CachingVerifier(new SharedSecretVerifier(SECRET, rules), Duration.ofHours(1), Duration.ZERO,
                1 << 20, 100, clock);

        cache.verify(token);
        assertThat(cache.isKnownValid(token)).as("cached although 2 s past exp: the verifier accepts it for 58 s more").isTrue();

        clock.advance(Duration.between(clock.instant(), verified.acceptedUntil()).minusMillis(1));
        assertThat(cache.isKnownValid(token)).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.isKnownValid(token)).as("never served past exp + skew").isFalse();
    }
}
