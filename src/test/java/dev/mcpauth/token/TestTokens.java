package dev.mcpauth.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Hand-built signed JWTs for the cases TokenMinter deliberately cannot produce (no exp, odd headers). */
final class TestTokens {

    static final String ISSUER = "https://issuer.example";
    static final String RESOURCE = "https://mcp.example/mcp";

    private TestTokens() {
    }

    /** Claims a good token carries: our issuer and audience, expiring in 10 minutes. */
    static JWTClaimsSet.Builder goodClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(RESOURCE).subject("alice")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .claim("scope", "tools:read tools:write");
    }

    static String sign(JWTClaimsSet claims, JWSAlgorithm alg, JWSSigner signer, String kid, JOSEObjectType typ) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(typ).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmac(JWTClaimsSet claims, byte[] secret, JWSAlgorithm alg) {
        try {
            return sign(claims, alg, new MACSigner(secret), null, JOSEObjectType.JWT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String withKey(JWTClaimsSet claims, JWK key, JWSAlgorithm alg) {
        try {
            return sign(claims, alg, Ed25519Jdk.signerFor(key, alg), key.getKeyID(), JOSEObjectType.JWT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant secondsFromNow(long seconds) {
        return Instant.now().plusSeconds(seconds);
    }
}
