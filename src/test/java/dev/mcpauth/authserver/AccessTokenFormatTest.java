package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

/** Access tokens are RFC 9068 JWTs: typ at+jwt, ES256 with kid (or HS256 with a shared secret), the full claim set. */
class AccessTokenFormatTest {

    @Test
    void accessTokenIsAnEs256AtJwtVerifiableWithThePublishedKey() throws Exception {
        try (TestAuthServer server = TestAuthServer.start(b -> b.autoApprove(true))) {
            TestAuthServer.Client client = server.registerPublicClient();
            SignedJWT jwt = SignedJWT.parse(server.tokensFor(client, "read:files math:calculate").get("access_token").asText());
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(jwt.getHeader().getType().toString()).isEqualTo("at+jwt");
            ECKey published = (ECKey) server.as.publicKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(published).isNotNull();
            assertThat(jwt.verify(new ECDSAVerifier(published))).isTrue();
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            assertThat(c.getIssuer()).isEqualTo(server.issuer);
            assertThat(c.getSubject()).isEqualTo("demo");
            assertThat(c.getAudience()).containsExactly(server.resource());
            assertThat(c.getStringClaim("scope")).isEqualTo("read:files math:calculate");
            assertThat(c.getStringClaim("client_id")).isEqualTo(client.id());
            assertThat(c.getJWTID()).isNotBlank();
            assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(15 * 60 * 1000L);
        }
    }

    @Test
    void sharedSecretMakesAccessTokensHs256() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-secret";
        try (TestAuthServer server = TestAuthServer.start(b -> b.autoApprove(true).sharedSecret(secret))) {
            SignedJWT jwt = SignedJWT.parse(server.tokensFor(server.registerPublicClient(), "read:files").get("access_token").asText());
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
            assertThat(jwt.getHeader().getType().toString()).isEqualTo("at+jwt");
            assertThat(jwt.verify(new MACVerifier(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).isTrue();
        }
    }

    @Test
    void configuredPrivateJwkSignsTokensAndOnlyItsPublicPartIsPublished() throws Exception {
        ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("configured-1").generate();
        try (TestAuthServer server = TestAuthServer.start(b -> b.autoApprove(true).signingKey(key))) {
            SignedJWT jwt = SignedJWT.parse(server.tokensFor(server.registerPublicClient(), "read:files").get("access_token").asText());
            assertThat(jwt.getHeader().getKeyID()).isEqualTo("configured-1");
            assertThat(jwt.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
            assertThat(server.get("/oauth/jwks").body()).contains("configured-1").doesNotContain("\"d\"");
        }
    }

    @Test
    void tooShortSharedSecretIsRefusedAtConfiguration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AuthServerConfig.builder("http://127.0.0.1:8001").sharedSecret("short").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }

    @Test
    void plainHttpIssuerOffLoopbackIsRefusedAtConfiguration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AuthServerConfig.builder("http://auth.example.com").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    }
}
