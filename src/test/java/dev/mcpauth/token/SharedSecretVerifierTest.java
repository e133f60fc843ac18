package dev.mcpauth.token;

import static dev.mcpauth.token.TestTokens.ISSUER;
import static dev.mcpauth.token.TestTokens.RESOURCE;
import static dev.mcpauth.token.TestTokens.goodClaims;
import static dev.mcpauth.token.TestTokens.hmac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SharedSecretVerifierTest {

    private static final byte[] SECRET = random(64);
    private final SharedSecretVerifier verifier = new SharedSecretVerifier(SECRET, JwtRules.of(ISSUER, RESOURCE));

    static byte[] random(int bytes) {
        byte[] out = new byte[bytes];
        new SecureRandom().nextBytes(out);
        return out;
    }

    private static TokenRejected rejection(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
        } catch (TokenRejected e) {
            return e;
        }
        throw new AssertionError("token was accepted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512"})
    void validHmacTokenIsAcceptedWithItsClaims(String alg) throws TokenRejected {
        AccessToken token = verifier.verify(hmac(goodClaims().build(), SECRET, JWSAlgorithm.parse(alg)));

        assertThat(token.subject()).isEqualTo("alice");
        assertThat(token.issuer()).isEqualTo(ISSUER);
        assertThat(token.audiences()).containsExactly(RESOURCE);
        assertThat(token.scopes()).containsExactlyInAnyOrder("tools:read", "tools:write");
        assertThat(token.expiresAt()).isAfter(java.time.Instant.now());
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        String none = new PlainJWT(new PlainHeader(), goodClaims().build()).serialize();

        TokenRejected e = rejection(verifier, none);

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(e.description()).contains("alg none");
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = hmac(goodClaims().build(), SECRET, JWSAlgorithm.HS256).split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                goodClaims().subject("mallory").claim("scope", "admin").build().toString().getBytes(StandardCharsets.UTF_8));

        TokenRejected e = rejection(verifier, parts[0] + "." + forged + "." + parts[2]);

        assertThat(e.description()).contains("signature is invalid");
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        TokenRejected e = rejection(verifier, hmac(goodClaims().build(), random(64), JWSAlgorithm.HS256));

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
    }

    @Test
    void expiredTokenIsRefused() {
        JWTClaimsSet claims = goodClaims().expirationTime(Date.from(TestTokens.secondsFromNow(-120))).build();

        assertThat(rejection(verifier, hmac(claims, SECRET, JWSAlgorithm.HS256)).description()).contains("Expired");
    }

    @Test
    void tokenExpiredWithinClockSkewIsAccepted() throws TokenRejected {
        JWTClaimsSet claims = goodClaims().expirationTime(Date.from(TestTokens.secondsFromNow(-30))).build();

        assertThat(verifier.verify(hmac(claims, SECRET, JWSAlgorithm.HS256)).subject()).isEqualTo("alice");
    }

    @Test
    void tokenWithNotBeforeInTheFutureIsRefused() {
        JWTClaimsSet claims = goodClaims().notBeforeTime(Date.from(TestTokens.secondsFromNow(600))).build();

        assertThat(rejection(verifier, hmac(claims, SECRET, JWSAlgorithm.HS256)).description()).contains("before use time");
    }

    @Test
    void tokenWithoutExpIsRefused() {
        JWTClaimsSet claims = goodClaims().expirationTime(null).build();

        assertThat(rejection(verifier, hmac(claims, SECRET, JWSAlgorithm.HS256)).description()).contains("exp");
    }

    @Test
    void tokenFromAnotherIssuerIsRefused() {
        JWTClaimsSet claims = goodClaims().issuer("https://evil.example").build();

        assertThat(rejection(verifier, hmac(claims, SECRET, JWSAlgorithm.HS256)).description()).contains("iss");
    }

    @Test
    void tokenForAnotherAudienceIsRefused() {
        JWTClaimsSet claims = goodClaims().audience("https://other-service.example").build();

        TokenRejected e = rejection(verifier, hmac(claims, SECRET, JWSAlgorithm.HS256));

        assertThat(e.description()).contains("audience").contains(RESOURCE);
    }

    @Test
    void tokenWithOneMatchingAudienceAmongSeveralIsAccepted() throws TokenRejected {
        JWTClaimsSet claims = goodClaims().audience(List.of("https://other.example", RESOURCE)).build();

        assertThat(verifier.verify(hmac(claims, SECRET, JWSAlgorithm.HS256)).audiences()).contains(RESOURCE);
    }

    @Test
    void hugeTokenIsRefusedBeforeParsing() {
        String huge = "e".repeat(64 * 1024);
        long start = System.nanoTime();

        TokenRejected e = rejection(verifier, huge);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(50));
        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_REQUEST);
        assertThat(e.description()).contains("16384");
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        assertThat(rejection(verifier, "not-a-jwt").description()).contains("not a well-formed JWT");
    }

    @Test
    void accessTokenTypeIsAcceptedAndOtherTypesAreRefused() throws Exception {
        JWTClaimsSet claims = goodClaims().build();
        String atJwt = TestTokens.sign(claims, JWSAlgorithm.HS256, new MACSigner(SECRET), null, new JOSEObjectType("at+jwt"));
        String logout = TestTokens.sign(claims, JWSAlgorithm.HS256, new MACSigner(SECRET), null, new JOSEObjectType("logout+jwt"));

        assertThat(verifier.verify(atJwt).subject()).isEqualTo("alice");
        assertThat(rejection(verifier, logout).description()).contains("typ");
    }

    @Test
    void secretShorterThan32BytesIsRefusedAtConstruction() {
        assertThatThrownBy(() -> SharedSecretVerifier.fromText("too-short", JwtRules.of(ISSUER, RESOURCE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void hs512TokenIsRefusedWhenTheSecretIsTooShortForIt() {
        byte[] secret = random(32);
        SharedSecretVerifier shortSecret = new SharedSecretVerifier(secret, JwtRules.of(ISSUER, RESOURCE));
        byte[] padded = java.util.Arrays.copyOf(secret, 64);

        assertThat(rejection(shortSecret, hmac(goodClaims().build(), padded, JWSAlgorithm.HS512)).description())
                .contains("accepted algorithms: HS256");
    }

    @Test
    void scopesAndClientComeFromEveryIssuerSpelling() throws TokenRejected {
        JWTClaimsSet okta = goodClaims().claim("scope", null).claim("scp", List.of("a", "b")).claim("cid", "okta-app")
                .claim("profile", Map.of("team", "blue")).build();

        AccessToken token = verifier.verify(hmac(okta, SECRET, JWSAlgorithm.HS256));

        assertThat(token.scopes()).containsExactlyInAnyOrder("a", "b");
        assertThat(token.clientId()).isEqualTo("okta-app");
        assertThat(token.claims().get("profile")).isEqualTo(Map.of("team", "blue"));
        assertThat(token.claims().get("exp")).isInstanceOf(Long.class);
    }

    @Test
    void cognitoAccessTokenWithoutAudIsRefusedUnlessClientIdModeIsOn() throws TokenRejected {
        JWTClaimsSet cognito = goodClaims().audience((String) null).claim("client_id", "cognito-app")
                .claim("token_use", "access").build();
        String token = hmac(cognito, SECRET, JWSAlgorithm.HS256);
        JwtRules rules = JwtRules.of(ISSUER, RESOURCE, "cognito-app");

        assertThat(rejection(new SharedSecretVerifier(SECRET, rules), token).description()).contains("no audience");
        AccessToken accepted = new SharedSecretVerifier(SECRET, rules.withClientIdAsAudience(true)).verify(token);
        assertThat(accepted.clientId()).isEqualTo("cognito-app");
    }

    @Test
    void clientIdModeStillRefusesForeignClientsAndIdTokens() {
        SharedSecretVerifier cognito = new SharedSecretVerifier(SECRET,
                JwtRules.of(ISSUER, "cognito-app").withClientIdAsAudience(true));
        String foreign = hmac(goodClaims().audience((String) null).claim("client_id", "other-app").build(), SECRET, JWSAlgorithm.HS256);
        String idToken = hmac(goodClaims().audience((String) null).claim("client_id", "cognito-app")
                .claim("token_use", "id").build(), SECRET, JWSAlgorithm.HS256);

        assertThat(rejection(cognito, foreign).description()).contains("client_id is not an accepted audience");
        assertThat(rejection(cognito, idToken).description()).contains("ID token");
    }

    @Test
    void emptyAudienceListIsRefusedUnlessAnyAudienceIsChosenExplicitly() throws TokenRejected {
        assertThatThrownBy(() -> JwtRules.of(ISSUER, List.of())).hasMessageContaining("anyAudience");

        SharedSecretVerifier any = new SharedSecretVerifier(SECRET, JwtRules.anyAudience(ISSUER));
        String foreign = hmac(goodClaims().audience("https://elsewhere.example").build(), SECRET, JWSAlgorithm.HS256);
        assertThat(any.verify(foreign).subject()).isEqualTo("alice");
        assertThat(any.toString()).contains("ANY audience");
    }

    @Test
    void descriptionNamesTheChecksButNotTheSecret() {
        String text = verifier.toString();

        assertThat(text).contains(ISSUER).contains(RESOURCE).contains("HS512");
        assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(SECRET)).doesNotContain(new String(SECRET, StandardCharsets.ISO_8859_1));
    }
}
