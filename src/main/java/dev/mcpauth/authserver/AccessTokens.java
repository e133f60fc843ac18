package dev.mcpauth.authserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Mints JWT access tokens in the RFC 9068 profile and reads back the ones this AS issued. Every token is recorded
 * by {@code jti} under its grant, so revoking the grant (or the token) makes introspection report it inactive.
 */
final class AccessTokens {
    /** RFC 9068 §2.1: the media type of a JWT access token. */
    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final String issuer;
    private final SigningKey key;
    private final GrantStore grants;
    private final Duration ttl;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor;

    /** What an issued token says about itself. */
    record Issued(String token, String jti, Instant expiresAt, long expiresIn) {
    }

    AccessTokens(AuthServerConfig config, SigningKey key, GrantStore grants) {
        this.issuer = config.issuerString();
        this.key = key;
        this.grants = grants;
        this.ttl = config.accessTokenTtl();
        this.clock = config.clock();
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(AT_JWT));
        processor.setJWSKeySelector(key.keySelector());
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "aud", "exp", "iat", "jti", "client_id")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** RFC 9068 §2.2: iss, sub, aud, exp, iat, jti, client_id, and scope (RFC 8693 §4.2). */
    Issued issue(GrantStore.Grant grant, String clientId, String scope, String audience) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        String jti = Secrets.newHandle();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(grant.subject())
                .audience(List.of(audience))
                .claim("scope", scope)
                .claim("client_id", clientId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(jti)
                .build();
        JWSHeader header = new JWSHeader.Builder(key.algorithm()).type(AT_JWT).keyID(key.keyId()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("authserver: signing the access token failed: " + e.getMessage(), e);
        }
        grants.recordAccessToken(jti, grant.id(), exp);
        return new Issued(jwt.serialize(), jti, exp, ttl.toSeconds());
    }

    /** The claims of an active token this AS issued (valid signature, unexpired, not revoked), or null. */
    JWTClaimsSet activeClaims(String token) {
        JWTClaimsSet claims = verifiedClaims(token);
        return claims != null && grants.isAccessTokenActive(claims.getJWTID()) ? claims : null;
    }

    /** The claims of a token this AS signed and that has not expired, revoked or not; null otherwise. */
    JWTClaimsSet verifiedClaims(String token) {
        if (token == null || token.chars().filter(c -> c == '.').count() != 2) {
            return null;
        }
        try {
            return processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return null;
        }
    }
}
