package dev.mcpauth.authserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/**
 * The key that signs access tokens: HS256 with the configured shared secret, else the configured private JWK,
 * else an ES256 key generated once (and kept in {@code signing-key.json} when there is a state directory, or in the
 * shared state database, so every replica signs with the same key).
 */
final class SigningKey {
    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;
    private final String keyId;
    private final JWKSet publicKeys;
    private final JWSVerificationKeySelector<SecurityContext> keySelector;

    private SigningKey(JWSAlgorithm algorithm, JWSSigner signer, String keyId, JWKSet publicKeys,
                       JWSVerificationKeySelector<SecurityContext> keySelector) {
        this.algorithm = algorithm;
        this.signer = signer;
        this.keyId = keyId;
        this.publicKeys = publicKeys;
        this.keySelector = keySelector;
    }

    static SigningKey from(AuthServerConfig config, StateDatabase db) {
        try {
            if (config.sharedSecret() != null) {
                byte[] secret = config.sharedSecret().getBytes(StandardCharsets.UTF_8);
                // A shared secret is never published: the JWKS stays empty.
                return new SigningKey(JWSAlgorithm.HS256, new MACSigner(secret), null, new JWKSet(),
                        new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
            }
            JWK key = config.signingKey() != null ? config.signingKey()
                    : config.stateDatabase() != null ? sharedKey(db) : loadOrGenerate(config);
            return fromPrivateJwk(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("authserver: the signing key cannot be used: " + e.getMessage(), e);
        }
    }

    private static SigningKey fromPrivateJwk(JWK configured) throws JOSEException {
        JWK key = withKeyId(configured);
        JWSAlgorithm alg;
        JWSSigner signer;
        if (key instanceof ECKey ec) {
            alg = ecAlgorithm(ec.getCurve());
            signer = new ECDSASigner(ec);
        } else if (key instanceof RSAKey rsa) {
            alg = JWSAlgorithm.RS256;
            signer = new RSASSASigner(rsa);
        } else if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            alg = JWSAlgorithm.EdDSA;
            signer = dev.mcpauth.token.Ed25519Jdk.signer(okp);
        } else if (key instanceof OctetSequenceKey) {
            throw new IllegalStateException("authserver: a symmetric JWK cannot be a published signing key; configure it as the shared secret");
        } else {
            throw new IllegalStateException("authserver: unsupported signing key type " + key.getKeyType() + " (use EC P-256/384/521, RSA or Ed25519)");
        }
        JWK publicJwk = key.toPublicJWK();
        JWKSet publicSet = new JWKSet(publicJwk);
        return new SigningKey(alg, signer, key.getKeyID(), publicSet,
                new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(publicSet)));
    }

    // RFC 7515 §4.1.4: a kid lets verifiers pick the key; without one configured, the RFC 7638 thumbprint serves.
    private static JWK withKeyId(JWK key) throws JOSEException {
        if (key.getKeyID() != null) {
            return key;
        }
        if (key instanceof ECKey ec) return new ECKey.Builder(ec).keyIDFromThumbprint().build();
        if (key instanceof RSAKey rsa) return new RSAKey.Builder(rsa).keyIDFromThumbprint().build();
        if (key instanceof OctetKeyPair okp) return new OctetKeyPair.Builder(okp).keyIDFromThumbprint().build();
        return key;
    }

    private static JWSAlgorithm ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) return JWSAlgorithm.ES256;
        if (Curve.P_384.equals(curve)) return JWSAlgorithm.ES384;
        if (Curve.P_521.equals(curve)) return JWSAlgorithm.ES512;
        throw new IllegalStateException("authserver: unsupported EC curve " + curve + " for the signing key (use P-256, P-384 or P-521)");
    }

    private static JWK sharedKey(StateDatabase db) {
        String json = db.secret("signing-key", () -> {
            try {
                return generate().toJSONString();
            } catch (JOSEException e) {
                throw new IllegalStateException("authserver: cannot generate a signing key: " + e.getMessage(), e);
            }
        });
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("authserver: the signing key in the state database " + db.description() + " is not a valid JWK", e);
        }
    }

    private static ECKey generate() throws JOSEException {
        return new ECKeyGenerator(Curve.P_256)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256)
                .keyIDFromThumbprint(true)
                .generate();
    }

    private static JWK loadOrGenerate(AuthServerConfig config) throws JOSEException {
        StateFile file = config.stateDirectory() == null ? null : new StateFile(config.stateDirectory(), "signing-key.json");
        if (file != null && file.exists()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> json = file.read(Map.class);
            try {
                JWK key = JWK.parse(json);
                if (!key.isPrivate()) {
                    throw new IllegalStateException("authserver: state file " + file.path() + " holds no private key; delete it to generate a new one");
                }
                return key;
            } catch (ParseException e) {
                throw new IllegalStateException("authserver: state file " + file.path() + " is not a valid JWK (" + e.getMessage()
                        + "); restore it from a backup or delete it to generate a new key", e);
            }
        }
        ECKey generated = generate();
        if (file != null) {
            file.write(generated.toJSONObject());
        }
        return generated;
    }

    JWSAlgorithm algorithm() {
        return algorithm;
    }

    JWSSigner signer() {
        return signer;
    }

    /** The kid for the JWS header; null for a shared secret. */
    String keyId() {
        return keyId;
    }

    /** Public keys only (RFC 7517 §4: the JWKS endpoint must never publish private or symmetric parts). */
    JWKSet publicKeys() {
        return publicKeys;
    }

    JWSVerificationKeySelector<SecurityContext> keySelector() {
        return keySelector;
    }
}
