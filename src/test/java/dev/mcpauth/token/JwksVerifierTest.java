package dev.mcpauth.token;

import static dev.mcpauth.token.TestTokens.ISSUER;
import static dev.mcpauth.token.TestTokens.RESOURCE;
import static dev.mcpauth.token.TestTokens.goodClaims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwksVerifierTest {

    private static final RSAKey RSA = (RSAKey) Keys.generate(JWSAlgorithm.RS256);
    private static final JWK EC = Keys.generate(JWSAlgorithm.ES256);
    private static final JWK ED = Keys.generate(JWSAlgorithm.EdDSA);
    private static final RSAKey RSA_PSS = (RSAKey) Keys.generate(JWSAlgorithm.PS256);

    private final LocalHttpServer issuer = localServer();
    private final AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(List.of(RSA, EC, ED, RSA_PSS)));
    private final JwtRules rules = JwtRules.of(ISSUER, RESOURCE);

    private static LocalHttpServer localServer() {
        try {
            return new LocalHttpServer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    JwksVerifierTest() {
        issuer.route("/jwks", request -> LocalHttpServer.Reply.json(published.get().toPublicJWKSet().toString()));
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private JwksVerifier remote(JwksOptions options) {
        return JwksVerifier.fromJwksUri(issuer.uri("/jwks"), rules, options);
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
    @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "ES256", "EdDSA"})
    void tokenSignedWithAPublishedKeyIsAccepted(String alg) throws TokenRejected {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        JWK key = switch (alg) {
            case "ES256" -> EC;
            case "EdDSA" -> ED;
            case "PS256" -> RSA_PSS;
            default -> new RSAKey.Builder(RSA).algorithm(algorithm).build();
        };
        if (alg.startsWith("RS") && !alg.equals("RS256")) {
            published.set(new JWKSet(key));
        }
        JwksVerifier verifier = remote(JwksOptions.defaults());

        AccessToken token = verifier.verify(TestTokens.withKey(goodClaims().build(), key, algorithm));

        assertThat(token.subject()).isEqualTo("alice");
        assertThat(verifier.jwksFetchCount()).isEqualTo(1);
    }

    @Test
    void hmacTokenSignedWithTheRsaPublicKeyIsRefused() throws Exception {
        // The classic HS/RS confusion: an attacker uses the public key (which everyone has) as an HMAC secret.
        byte[] publicKeyBytes = RSA.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] publicKeyDer = RSA.toRSAPublicKey().getEncoded();
        JwksVerifier verifier = remote(JwksOptions.defaults());

        for (byte[] secret : List.of(publicKeyBytes, publicKeyDer)) {
            String forged = TestTokens.sign(goodClaims().build(), JWSAlgorithm.HS256, new MACSigner(secret), RSA.getKeyID(), JOSEObjectType.JWT);
            TokenRejected e = rejection(verifier, forged);
            assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
            assertThat(e.description()).contains("accepted algorithms").doesNotContain("HS256,");
        }
    }

    @Test
    void unsignedTokenIsRefused() {
        String none = new PlainJWT(new PlainHeader(), goodClaims().build()).serialize();

        assertThat(rejection(remote(JwksOptions.defaults()), none).description()).contains("alg none");
    }

    @Test
    void tamperedTokenIsRefused() {
        String token = TestTokens.withKey(goodClaims().build(), RSA, JWSAlgorithm.RS256);
        String other = TestTokens.withKey(goodClaims().subject("root").build(), RSA, JWSAlgorithm.RS256);
        String[] a = token.split("\\.");
        String[] b = other.split("\\.");

        assertThat(rejection(remote(JwksOptions.defaults()), a[0] + "." + b[1] + "." + a[2]).description())
                .contains("signature is invalid");
    }

    @Test
    void unknownKidCausesExactlyOneRefetchAndAFloodOfThemNoMore() throws TokenRejected {
        JwksVerifier verifier = remote(JwksOptions.defaults());
        verifier.verify(TestTokens.withKey(goodClaims().build(), EC, JWSAlgorithm.ES256));
        assertThat(verifier.jwksFetchCount()).isEqualTo(1);

        for (int i = 0; i < 200; i++) {
            JWK stranger = new com.nimbusds.jose.jwk.ECKey.Builder(EC.toECKey()).keyID("forged-" + i).build();
            TokenRejected e = rejection(verifier, TestTokens.withKey(goodClaims().build(), stranger, JWSAlgorithm.ES256));
            assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        }

        assertThat(verifier.jwksFetchCount()).isEqualTo(2);
        assertThat(issuer.hits("/jwks")).isEqualTo(2);
    }

    @Test
    void rotatedKeysAreFollowed() throws Exception {
        JWK oldKey = Keys.generate(JWSAlgorithm.ES256);
        JWK newKey = Keys.generate(JWSAlgorithm.ES256);
        published.set(new JWKSet(oldKey));
        JwksOptions fast = JwksOptions.defaults().withTimeouts(Duration.ofMillis(200), Duration.ofMillis(300))
                .withCache(Duration.ofMillis(1500), Duration.ofMillis(200), Duration.ofMillis(300));
        JwksVerifier verifier = remote(fast);
        String oldToken = TestTokens.withKey(goodClaims().build(), oldKey, JWSAlgorithm.ES256);
        assertThat(verifier.verify(oldToken).subject()).isEqualTo("alice");

        // The issuer starts publishing the new key next to the old one: a token with the new kid triggers a refetch.
        published.set(new JWKSet(List.of(oldKey, newKey)));
        assertThat(verifier.verify(TestTokens.withKey(goodClaims().build(), newKey, JWSAlgorithm.ES256)).subject()).isEqualTo("alice");
        assertThat(verifier.jwksFetchCount()).isEqualTo(2);

        // The old key is withdrawn: once the cache has been refreshed, tokens signed with it are refused.
        published.set(new JWKSet(newKey));
        Thread.sleep(1700);
        TokenRejected e = rejection(verifier, oldToken);
        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.INVALID_TOKEN);
        assertThat(verifier.jwksFetchCount()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void unreachableJwksMeansVerifierUnavailableNotInvalidToken() throws Exception {
        JwksVerifier verifier = JwksVerifier.fromJwksUri(LocalHttpServer.refusingUri("/jwks"), rules);

        TokenRejected e = rejection(verifier, TestTokens.withKey(goodClaims().build(), RSA, JWSAlgorithm.RS256));

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
        assertThat(e.reason().httpStatus()).isEqualTo(503);
        assertThat(e.description()).contains("/jwks");
    }

    @Test
    void jwksAnsweringWithAServerErrorMeansVerifierUnavailable() {
        issuer.route("/broken", request -> new LocalHttpServer.Reply(500, "text/plain", "oops"));
        JwksVerifier verifier = JwksVerifier.fromJwksUri(issuer.uri("/broken"), rules);

        TokenRejected e = rejection(verifier, TestTokens.withKey(goodClaims().build(), RSA, JWSAlgorithm.RS256));

        assertThat(e.reason()).isEqualTo(TokenRejected.Reason.VERIFIER_UNAVAILABLE);
    }

    @Test
    void expiredAndMisaddressedTokensAreRefusedByClaimChecks() {
        JwksVerifier verifier = remote(JwksOptions.defaults());
        JWTClaimsSet expired = goodClaims().expirationTime(java.util.Date.from(TestTokens.secondsFromNow(-3600))).build();
        JWTClaimsSet foreign = goodClaims().audience("https://other.example").build();

        assertThat(rejection(verifier, TestTokens.withKey(expired, EC, JWSAlgorithm.ES256)).description()).contains("Expired");
        assertThat(rejection(verifier, TestTokens.withKey(foreign, EC, JWSAlgorithm.ES256)).description()).contains("audience");
    }

    @Test
    void inMemoryKeySetVerifiesWithoutHttp() throws TokenRejected {
        JwksVerifier verifier = JwksVerifier.fromJwkSet(new JWKSet(List.of(RSA, ED)), rules);

        assertThat(verifier.verify(TestTokens.withKey(goodClaims().build(), ED, JWSAlgorithm.EdDSA)).subject()).isEqualTo("alice");
        assertThat(verifier.jwksFetchCount()).isZero();
        assertThat(verifier.toString()).contains("in-memory").contains(RESOURCE);
    }

    @Test
    void issuerIsDiscoveredThroughAuthorizationServerMetadata() throws Exception {
        String issuerUrl = issuer.uri("").toString();
        issuer.route("/.well-known/oauth-authorization-server", request -> LocalHttpServer.Reply.json(
                "{\"issuer\":\"" + issuerUrl + "\",\"jwks_uri\":\"" + issuer.uri("/jwks") + "\"}"));
        JwksVerifier verifier = JwksVerifier.fromIssuer(issuer.uri(""), JwtRules.of(null, RESOURCE));
        JWTClaimsSet claims = goodClaims().issuer(issuerUrl).build();

        assertThat(verifier.verify(TestTokens.withKey(claims, EC, JWSAlgorithm.ES256)).issuer()).isEqualTo(issuerUrl);
        assertThat(rejection(verifier, TestTokens.withKey(goodClaims().build(), EC, JWSAlgorithm.ES256)).description()).contains("iss");
        assertThat(verifier.toString()).contains("/jwks");
    }

    @Test
    void issuerWithoutAuthorizationServerMetadataIsDiscoveredThroughOpenIdConfiguration() throws Exception {
        String issuerUrl = issuer.uri("").toString();
        issuer.route("/.well-known/openid-configuration", request -> LocalHttpServer.Reply.json(
                "{\"issuer\":\"" + issuerUrl + "\",\"jwks_uri\":\"" + issuer.uri("/jwks") + "\"}"));
        JwksVerifier verifier = JwksVerifier.fromIssuer(issuer.uri(""), JwtRules.of(null, RESOURCE));

        JWTClaimsSet claims = goodClaims().issuer(issuerUrl).build();
        assertThat(verifier.verify(TestTokens.withKey(claims, ED, JWSAlgorithm.EdDSA)).subject()).isEqualTo("alice");
        assertThat(issuer.hits("/.well-known/oauth-authorization-server")).isEqualTo(1);
    }

    @Test
    void issuerWithAPathIsDiscoveredThroughOpenIdConfiguration() throws Exception {
        String issuerUrl = issuer.uri("/realms/mcp").toString();
        issuer.route("/realms/mcp/.well-known/openid-configuration", request -> LocalHttpServer.Reply.json(
                "{\"issuer\":\"" + issuerUrl + "\",\"jwks_uri\":\"" + issuer.uri("/jwks") + "\"}"));
        JwksVerifier verifier = JwksVerifier.fromIssuer(issuer.uri("/realms/mcp"), JwtRules.of(null, RESOURCE));

        JWTClaimsSet claims = goodClaims().issuer(issuerUrl).build();
        assertThat(verifier.verify(TestTokens.withKey(claims, RSA, JWSAlgorithm.RS256)).subject()).isEqualTo("alice");
        // RFC 8414 path insertion first, then OIDC path insertion, then OIDC appended.
        assertThat(issuer.hits("/.well-known/oauth-authorization-server/realms/mcp")).isEqualTo(1);
        assertThat(issuer.hits("/.well-known/openid-configuration/realms/mcp")).isEqualTo(1);
    }

    @Test
    void metadataNamingAnotherIssuerIsRefused() {
        issuer.route("/.well-known/oauth-authorization-server", request -> LocalHttpServer.Reply.json(
                "{\"issuer\":\"https://impostor.example\",\"jwks_uri\":\"" + issuer.uri("/jwks") + "\"}"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JwksVerifier.fromIssuer(issuer.uri(""), JwtRules.of(null, RESOURCE)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("impostor.example")
                .hasMessageContaining("RFC 8414");
    }
}
