package dev.mcpauth.resource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.TokenRejected;
import dev.mcpauth.token.TokenVerifier;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/** Real HS256 tokens, and a small nimbus-backed verifier for them (the real verifiers live in the token package). */
final class TestTokens {

    static final String RESOURCE = "https://mcp.example.com/mcp";
    static final String ISSUER = "https://as.example.com";

    private final byte[] secret = new byte[32];
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    TestTokens() {
        new SecureRandom().nextBytes(secret);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                RESOURCE, new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "exp")));
    }

    String mint(String subject, String scope) {
        return mint(subject, scope, Instant.now().plusSeconds(300), secret);
    }

    String mint(String subject, String scope, Instant expiry, byte[] key) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(ISSUER)
                .audience(RESOURCE)
                .claim("client_id", "test-client")
                .claim("scope", scope)
                .jwtID(UUID.randomUUID().toString())
                .expirationTime(Date.from(expiry))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    String mintExpired(String subject, String scope) {
        return mint(subject, scope, Instant.now().minusSeconds(600), secret);
    }

    String mintWithOtherKey(String subject, String scope) {
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        return mint(subject, scope, Instant.now().plusSeconds(300), other);
    }

    TokenVerifier verifier() {
        return token -> {
            try {
                JWTClaimsSet claims = processor.process(token, null);
                String scope = claims.getStringClaim("scope");
                return new AccessToken(claims.getSubject(), claims.getStringClaim("client_id"),
                        scope == null ? Set.of() : Set.of(scope.split(" ")), claims.getAudience(), claims.getIssuer(),
                        claims.getExpirationTime().toInstant(), claims.toJSONObject());
            } catch (ParseException | BadJOSEException | JOSEException e) {
                throw TokenRejected.invalid("The access token is not valid: " + e.getMessage());
            }
        };
    }
}
