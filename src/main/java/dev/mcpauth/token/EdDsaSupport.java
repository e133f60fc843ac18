package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Lets nimbus's {@code DefaultJWTProcessor} verify EdDSA (Ed25519) signatures. In nimbus 10.6 the processor
 * pipeline works on {@code java.security.Key}s: {@code KeyConverter.toJavaKeys} skips OKP keys and
 * {@code DefaultJWSVerifierFactory} has no EdDSA branch. This selector hands the matched OKP JWK through as a key,
 * and the factory turns it into a verifier on the JDK's Ed25519 ({@link Ed25519Jdk}; nimbus's own needs Tink).
 */
final class EdDsaSupport {

    private EdDsaSupport() {
    }

    /** An Ed25519 public JWK carried through nimbus's key-selection step. */
    record Ed25519PublicJwk(OctetKeyPair jwk) implements PublicKey {
        @Override
        public String getAlgorithm() {
            return "Ed25519";
        }

        @Override
        public String getFormat() {
            return "JWK";
        }

        @Override
        public byte[] getEncoded() {
            return jwk.toJSONString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** nimbus's selector for every family, plus Ed25519 public keys for the ED family. */
    static final class KeySelector extends JWSVerificationKeySelector<SecurityContext> {
        KeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> source) {
            super(algorithms, source);
        }

        @Override
        public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            if (!JWSAlgorithm.Family.ED.contains(header.getAlgorithm())) {
                return super.selectJWSKeys(header, context);
            }
            JWKMatcher matcher = createJWKMatcher(header);
            if (matcher == null) {
                return List.of();
            }
            List<Key> keys = new ArrayList<>();
            for (JWK jwk : getJWKSource().get(new JWKSelector(matcher), context)) {
                if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                    keys.add(new Ed25519PublicJwk(okp.toPublicJWK()));
                }
            }
            return keys;
        }
    }

    /** nimbus's verifier factory, plus Ed25519 for keys coming from {@link KeySelector}. */
    static final class VerifierFactory extends DefaultJWSVerifierFactory {
        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            if (key instanceof Ed25519PublicJwk ed) {
                if (!Ed25519Jdk.ALGORITHMS.contains(header.getAlgorithm())) {
                    throw new JOSEException("an Ed25519 key cannot verify " + header.getAlgorithm());
                }
                return Ed25519Jdk.verifier(ed.jwk());
            }
            return super.createJWSVerifier(header, key);
        }
    }
}
