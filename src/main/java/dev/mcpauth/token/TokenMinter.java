package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mints signed JWT access tokens (RFC 9068 profile): with a shared secret (HS256/384/512) or a private JWK
 * (RSA: RS256 or PS256, EC P-256: ES256, Ed25519: EdDSA). Used by {@code token mint} and the embedded
 * authorization server.
 */
public final class TokenMinter {

    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** RFC 9068 section 2.1: JWT access tokens are typed {@code at+jwt}. */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final String keyId;
    private final Clock clock;

    private TokenMinter(JWSSigner signer, JWSAlgorithm algorithm, String keyId, Clock clock) {
        this.signer = signer;
        this.algorithm = algorithm;
        this.keyId = keyId;
        this.clock = clock;
    }

    /** HS256 with a shared secret of at least 32 bytes. */
    public static TokenMinter withSecret(byte[] secret) {
        return withSecret(secret, JWSAlgorithm.HS256);
    }

    public static TokenMinter withSecret(byte[] secret, JWSAlgorithm algorithm) {
        SharedSecretVerifier.requireStrong(secret);
        if (!JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
            throw new IllegalArgumentException("a shared secret signs HS256, HS384 or HS512, not " + algorithm);
        }
        if (!SharedSecretVerifier.algorithmsFor(secret.length).contains(algorithm)) {
            throw new IllegalArgumentException(algorithm + " needs a secret at least as long as its hash ("
                    + algorithm.getName().substring(2) + " bits, RFC 7518 section 3.2); this one is " + secret.length + " bytes");
        }
        try {
            return new TokenMinter(new MACSigner(secret.clone()), algorithm, null, Clock.systemUTC());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
        }
    }

    /** The usual algorithm for the key: RSA → RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA. */
    public static TokenMinter withKey(JWK privateKey) {
        return withKey(privateKey, defaultAlgorithm(privateKey));
    }

    /** An explicit algorithm, e.g. PS256 for an RSA key; it must suit the key. */
    public static TokenMinter withKey(JWK privateKey, JWSAlgorithm algorithm) {
        if (privateKey == null || !privateKey.isPrivate()) {
            throw new IllegalArgumentException("signing needs a private key; this JWK has only the public part");
        }
        if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
            throw new IllegalArgumentException("HMAC algorithms sign with a shared secret: use TokenMinter.withSecret");
        }
        try {
            JWSSigner signer = Ed25519Jdk.signerFor(privateKey, algorithm);
            return new TokenMinter(signer, algorithm, privateKey.getKeyID(), Clock.systemUTC());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign " + algorithm + " with a " + privateKey.getKeyType() + " key: " + e.getMessage(), e);
        }
    }

    static JWSAlgorithm defaultAlgorithm(JWK key) {
        if (key == null) {
            throw new IllegalArgumentException("no signing key given");
        }
        if (KeyType.RSA.equals(key.getKeyType())) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECKey ec) {
            if (Curve.P_256.equals(ec.getCurve())) {
                return JWSAlgorithm.ES256;
            }
            if (Curve.P_384.equals(ec.getCurve())) {
                return JWSAlgorithm.ES384;
            }
            if (Curve.P_521.equals(ec.getCurve())) {
                return JWSAlgorithm.ES512;
            }
        }
        if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            return JWSAlgorithm.EdDSA;
        }
        throw new IllegalArgumentException("unsupported signing key (" + key.getKeyType() + "); use RSA, EC P-256 or Ed25519");
    }

    /** A copy that reads the time from this clock (tests, and the embedded server's own clock). */
    public TokenMinter withClock(Clock newClock) {
        return new TokenMinter(signer, algorithm, keyId, newClock);
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    public String keyId() {
        return keyId;
    }

    /** Starts a token: set the claims, then {@link Draft#mint()}. */
    public Draft token() {
        return new Draft();
    }

    /** The claims of one token being minted. */
    public final class Draft {
        private String issuer;
        private String subject;
        private final List<String> audiences = new ArrayList<>();
        private final Set<String> scopes = new LinkedHashSet<>();
        private String clientId;
        private Duration ttl = DEFAULT_TTL;
        private Instant notBefore;
        private JOSEObjectType type = ACCESS_TOKEN_TYPE;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Draft() {
        }

        public Draft issuer(String value) { issuer = value; return this; }

        public Draft subject(String value) { subject = value; return this; }

        public Draft audience(String... values) { audiences.addAll(List.of(values)); return this; }

        public Draft audiences(Collection<String> values) { audiences.addAll(values); return this; }

        public Draft scopes(Collection<String> values) { scopes.addAll(values); return this; }

        public Draft scope(String... values) { scopes.addAll(List.of(values)); return this; }

        public Draft clientId(String value) { clientId = value; return this; }

        public Draft ttl(Duration value) { ttl = value; return this; }

        public Draft notBefore(Instant value) { notBefore = value; return this; }

        /** {@code at+jwt} by default; {@code JOSEObjectType.JWT} for resource servers that insist on plain JWT. */
        public Draft type(JOSEObjectType value) { type = value; return this; }

        public Draft claim(String name, Object value) { extra.put(name, value); return this; }

        /** Signs the token and returns its compact serialization. */
        public String mint() {
            Instant now = clock.instant();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
            extra.forEach(claims::claim);
            claims.issuer(issuer).subject(subject)
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(ttl)))
                    .jwtID(randomId());
            if (!audiences.isEmpty()) {
                claims.audience(List.copyOf(audiences));
            }
            if (!scopes.isEmpty()) {
                claims.claim("scope", String.join(" ", scopes));
            }
            if (clientId != null) {
                claims.claim("client_id", clientId);
            }
            if (notBefore != null) {
                claims.notBeforeTime(Date.from(notBefore));
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).type(type).build(), claims.build());
            try {
                jwt.sign(signer);
            } catch (JOSEException e) {
                throw new IllegalStateException("signing failed: " + e.getMessage(), e);
            }
            return jwt.serialize();
        }
    }

    /** 128 random bits, base64url: unguessable and unique (RFC 7519 section 4.1.7). */
    private static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "token minter (" + algorithm + (keyId == null ? "" : ", kid " + keyId) + ")";
    }
}
