package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.impl.BaseJWSProvider;
import com.nimbusds.jose.crypto.impl.CriticalHeaderParamsDeferral;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * Ed25519 (RFC 8032) for nimbus JWS through the JDK's own provider ({@code Signature.getInstance("Ed25519")}, in the
 * JDK since 15), plugged in as nimbus {@link JWSSigner} / {@link JWSVerifier}: nimbus's own Ed25519 classes need Tink,
 * protobuf and gson, 12.6 MB of the jar for this one algorithm. RFC 8037 keys hold the raw 32-byte key; the JDK reads
 * them in their RFC 8410 envelopes, which for Ed25519 are a fixed prefix before those bytes.
 */
public final class Ed25519Jdk {

    /** RFC 8037 section 3.1 {@code EdDSA}, and RFC 9864's fully-specified {@code Ed25519}. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** SubjectPublicKeyInfo { AlgorithmIdentifier { 1.3.101.112 }, BIT STRING (32 bytes) } up to the key. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    /** PrivateKeyInfo { 0, AlgorithmIdentifier { 1.3.101.112 }, OCTET STRING { OCTET STRING (32 bytes) } } up to the key. */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final int KEY_BYTES = 32;

    private Ed25519Jdk() {
    }

    /** A new Ed25519 signing key for EdDSA, its kid the RFC 7638 thumbprint. */
    public static OctetKeyPair generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(spki, spki.length - KEY_BYTES, spki.length);
            byte[] d = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(d))
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).keyIDFromThumbprint().build();
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("could not generate an Ed25519 key: " + e.getMessage(), e);
        }
    }

    /** nimbus's signer for {@code key}, with Ed25519 keys on the JDK's provider (nimbus's factory would reach for Tink). */
    public static JWSSigner signerFor(com.nimbusds.jose.jwk.JWK key, JWSAlgorithm algorithm) throws JOSEException {
        return key instanceof OctetKeyPair okp ? signer(okp)
                : new com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory().createJWSSigner(key, algorithm);
    }

    public static JWSSigner signer(OctetKeyPair key) throws JOSEException {
        requireEd25519(key);
        if (!key.isPrivate()) {
            throw new JOSEException("signing needs the Ed25519 private key (d)");
        }
        PrivateKey privateKey = (PrivateKey) decode(key.getDecodedD(), PKCS8_PREFIX, true);
        return new Signer(privateKey);
    }

    public static JWSVerifier verifier(OctetKeyPair key) throws JOSEException {
        requireEd25519(key);
        return new Verifier((PublicKey) decode(key.getDecodedX(), SPKI_PREFIX, false));
    }

    private static void requireEd25519(OctetKeyPair key) throws JOSEException {
        if (!Curve.Ed25519.equals(key.getCurve())) {
            throw new JOSEException("an OKP key on " + key.getCurve() + " cannot sign JWS; only Ed25519 can");
        }
    }

    private static java.security.Key decode(byte[] raw, byte[] prefix, boolean isPrivate) throws JOSEException {
        if (raw == null || raw.length != KEY_BYTES) {
            throw new JOSEException("an Ed25519 key is " + KEY_BYTES + " bytes");
        }
        byte[] encoded = Arrays.copyOf(prefix, prefix.length + KEY_BYTES);
        System.arraycopy(raw, 0, encoded, prefix.length, KEY_BYTES);
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            return isPrivate ? factory.generatePrivate(new PKCS8EncodedKeySpec(encoded))
                    : factory.generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("the Ed25519 key cannot be read: " + e.getMessage(), e);
        }
    }

    private static final class Signer extends BaseJWSProvider implements JWSSigner {
        private final PrivateKey key;

        Signer(PrivateKey key) {
            super(ALGORITHMS);
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!ALGORITHMS.contains(header.getAlgorithm())) {
                throw new JOSEException("an Ed25519 key cannot sign " + header.getAlgorithm());
            }
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(key);
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed: " + e.getMessage(), e);
            }
        }
    }

    private static final class Verifier extends BaseJWSProvider implements JWSVerifier {
        private final PublicKey key;
        /** No critical header parameter is understood: a token that names one is refused (RFC 7515 section 4.1.11). */
        private final CriticalHeaderParamsDeferral critical = new CriticalHeaderParamsDeferral();

        Verifier(PublicKey key) {
            super(ALGORITHMS);
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signedContent, Base64URL signature) throws JOSEException {
            if (!ALGORITHMS.contains(header.getAlgorithm())) {
                throw new JOSEException("an Ed25519 key cannot verify " + header.getAlgorithm());
            }
            if (!critical.headerPasses(header)) {
                return false;
            }
            try {
                Signature check = Signature.getInstance("Ed25519");
                check.initVerify(key);
                check.update(signedContent);
                return check.verify(signature.decode());
            } catch (java.security.SignatureException malformed) {
                return false;
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 verification failed: " + e.getMessage(), e);
            }
        }
    }
}
