package dev.mcpauth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Verifies HS256/HS384/HS512 JWTs signed with a secret shared with the issuer. Only the HMAC family is accepted,
 * and only the members the secret is long enough for (RFC 7518 section 3.2: key at least as long as the hash).
 */
public final class SharedSecretVerifier implements TokenVerifier {

    /** RFC 7518 section 3.2: HS256 needs a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    private final JwtProcessing processing;
    private final JwtRules rules;
    private final Set<JWSAlgorithm> algorithms;

    public SharedSecretVerifier(byte[] secret, JwtRules rules) {
        requireStrong(secret);
        this.rules = rules;
        this.algorithms = algorithmsFor(secret.length);
        this.processing = new JwtProcessing(
                new JWSVerificationKeySelector<>(algorithms, new ImmutableSecret<SecurityContext>(secret.clone())),
                algorithms, rules, "the shared secret");
    }

    /** The secret as UTF-8 text (what an operator puts in an environment variable). */
    public static SharedSecretVerifier fromText(String secret, JwtRules rules) {
        if (secret == null) {
            throw new IllegalArgumentException("shared secret is missing");
        }
        return new SharedSecretVerifier(secret.getBytes(StandardCharsets.UTF_8), rules);
    }

    static void requireStrong(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            int length = secret == null ? 0 : secret.length;
            throw new IllegalArgumentException("shared secret is " + length + " bytes; HMAC-signed tokens need a secret"
                    + " of at least " + MIN_SECRET_BYTES + " bytes (256 bits) of random data, e.g. `openssl rand -base64 48`");
        }
    }

    static Set<JWSAlgorithm> algorithmsFor(int secretBytes) {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        algorithms.add(JWSAlgorithm.HS256);
        if (secretBytes >= 48) {
            algorithms.add(JWSAlgorithm.HS384);
        }
        if (secretBytes >= 64) {
            algorithms.add(JWSAlgorithm.HS512);
        }
        return algorithms;
    }

    @Override
    public AccessToken verify(String token) throws TokenRejected {
        return processing.verify(token);
    }

    @Override
    public String toString() {
        return "shared-secret JWT verifier (" + algorithms.stream().map(JWSAlgorithm::getName).toList() + "; "
                + rules.describe() + ")";
    }
}
