package dev.mcpauth.token;

import static dev.mcpauth.token.TestTokens.ISSUER;
import static dev.mcpauth.token.TestTokens.RESOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TokenMinterTest {

    private static final JwtRules RULES = JwtRules.of(ISSUER, RESOURCE);

    private static String mintWith(TokenMinter minter) {
        return minter.token().issuer(ISSUER).subject("alice").audience(RESOURCE, "https://second.example")
                .scope("tools:read", "tools:write").clientId("cli").ttl(Duration.ofMinutes(5))
                .claim("tenant", "t1").mint();
    }

    private static void assertRoundTrip(String token, TokenVerifier verifier) throws TokenRejected {
        AccessToken verified = verifier.verify(token);
        assertThat(verified.subject()).isEqualTo("alice");
        assertThat(verified.clientId()).isEqualTo("cli");
        assertThat(verified.scopes()).containsExactlyInAnyOrder("tools:read", "tools:write");
        assertThat(verified.audiences()).containsExactly(RESOURCE, "https://second.example");
        assertThat(verified.claims()).containsEntry("tenant", "t1").containsKeys("jti", "iat");
        assertThat(verified.expiresAt()).isBetween(Instant.now().plusSeconds(290), Instant.now().plusSeconds(301));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512"})
    void secretMintedTokensVerifyWithTheSharedSecretVerifier(String alg) throws Exception {
        byte[] secret = SharedSecretVerifierTest.random(64);
        String token = mintWith(TokenMinter.withSecret(secret, JWSAlgorithm.parse(alg)));

        assertRoundTrip(token, new SharedSecretVerifier(secret, RULES));
        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo(alg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void keyMintedTokensVerifyWithTheJwksVerifier(String alg) throws Exception {
        JWK key = Keys.generate(JWSAlgorithm.parse(alg));
        String token = mintWith(TokenMinter.withKey(key, JWSAlgorithm.parse(alg)));

        assertRoundTrip(token, JwksVerifier.fromJwkSet(new JWKSet(key.toPublicJWK()), RULES));
        SignedJWT parsed = SignedJWT.parse(token);
        assertThat(parsed.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(parsed.getHeader().getType().getType()).isEqualTo("at+jwt");
    }

    @Test
    void defaultAlgorithmFollowsTheKeyType() {
        assertThat(TokenMinter.withKey(Keys.generate(JWSAlgorithm.RS256)).algorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(TokenMinter.withKey(Keys.generate(JWSAlgorithm.ES256)).algorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(TokenMinter.withKey(Keys.generate(JWSAlgorithm.EdDSA)).algorithm()).isEqualTo(JWSAlgorithm.EdDSA);
    }

    @Test
    void everyTokenGetsItsOwnJti() throws Exception {
        TokenMinter minter = TokenMinter.withSecret(SharedSecretVerifierTest.random(32));

        String first = SignedJWT.parse(mintWith(minter)).getJWTClaimsSet().getJWTID();
        String second = SignedJWT.parse(mintWith(minter)).getJWTClaimsSet().getJWTID();

        assertThat(first).hasSizeGreaterThanOrEqualTo(22).isNotEqualTo(second);
    }

    @Test
    void unsuitableSecretsAndKeysAreRefusedWithAReason() {
        assertThatThrownBy(() -> TokenMinter.withSecret(new byte[16])).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> TokenMinter.withSecret(new byte[32], JWSAlgorithm.HS512)).hasMessageContaining("512 bits");
        assertThatThrownBy(() -> TokenMinter.withKey(Keys.generate(JWSAlgorithm.ES256).toPublicJWK()))
                .hasMessageContaining("private key");
        assertThatThrownBy(() -> TokenMinter.withKey(Keys.generate(JWSAlgorithm.ES256), JWSAlgorithm.RS256))
                .hasMessageContaining("cannot sign RS256");
    }

    @Test
    void mintedTokensForAnotherAudienceAreRefused() {
        byte[] secret = SharedSecretVerifierTest.random(32);
        String token = TokenMinter.withSecret(secret).token().issuer(ISSUER).subject("alice").audience("https://other.example").mint();

        assertThatThrownBy(() -> new SharedSecretVerifier(secret, RULES).verify(token))
                .isInstanceOf(TokenRejected.class).hasMessageContaining("audience");
        assertThat(List.of(TokenMinter.withSecret(secret).toString())).noneMatch(s -> s.contains(new String(secret)));
    }
}
