package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Signing keys: load a private key from a JWK, JWKS or PEM file, generate a new one (kid = RFC 7638 thumbprint),
 * and write the private JWK (owner-only) and the public JWKS that verifiers fetch.
 */
public final class Keys {

    public static final int MIN_RSA_BITS = 2048;

    private Keys() {
    }

    /** The only private key in a JWK, JWKS or PEM file. */
    public static JWK loadPrivateKey(Path file) {
        return loadPrivateKey(file, null);
    }

    /** A private key from a JWK, JWKS (by {@code kid}, or the only key when kid is null) or PEM file. */
    public static JWK loadPrivateKey(Path file, String kid) {
        String text = read(file);
        JWK key = text.stripLeading().startsWith("-----BEGIN") ? fromPem(file, text) : fromJson(file, text, kid);
        if (!key.isPrivate()) {
            throw new IllegalArgumentException("key file " + file + " holds only a public key; signing needs the private key");
        }
        return withThumbprintKid(key);
    }

    /** A JWKS file (e.g. an issuer's published keys kept locally), private parts dropped. */
    public static JWKSet loadPublicKeys(Path file) {
        try {
            return JWKSet.parse(read(file)).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IllegalArgumentException("key file " + file + " is not a JWKS: " + e.getMessage(), e);
        }
    }

    /** A new signing key for ES256 (P-256), RS256/PS256 (RSA 2048) or EdDSA (Ed25519), kid = its thumbprint. */
    public static JWK generate(JWSAlgorithm algorithm) {
        if (JWSAlgorithm.RS256.equals(algorithm) || JWSAlgorithm.PS256.equals(algorithm)) {
            return generateRsa(MIN_RSA_BITS, algorithm);
        }
        try {
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
                        .keyIDFromThumbprint(true).generate();
            }
            if (JWSAlgorithm.EdDSA.equals(algorithm) || JWSAlgorithm.Ed25519.equals(algorithm)) {
                return Ed25519Jdk.generate();
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("cannot generate keys for " + algorithm + "; choose ES256, RS256, PS256 or EdDSA");
    }

    public static RSAKey generateRsa(int bits, JWSAlgorithm algorithm) {
        if (bits < MIN_RSA_BITS) {
            throw new IllegalArgumentException("RSA keys must have at least " + MIN_RSA_BITS + " bits, got " + bits);
        }
        try {
            return new RSAKeyGenerator(bits).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an RSA key: " + e.getMessage(), e);
        }
    }

    /** Writes the private JWK readable by the owner only (POSIX mode 600 where the file system has modes). */
    public static void writePrivateJwk(JWK key, Path file) {
        if (!key.isPrivate()) {
            throw new IllegalArgumentException("refusing to write a public key as the private key file " + file);
        }
        writeAtomically(file, key.toJSONString(), true);
    }

    /** Writes the public JWKS (the document an issuer serves at its jwks_uri). */
    public static void writePublicJwks(List<JWK> keys, Path file) {
        writeAtomically(file, new JWKSet(keys).toPublicJWKSet().toString(), false);
    }

    private static JWK fromJson(Path file, String text, String kid) {
        try {
            Map<String, Object> json = JSONObjectUtils.parse(text);
            if (json.containsKey("keys")) {
                JWKSet set = JWKSet.parse(json);
                if (kid != null) {
                    JWK key = set.getKeyByKeyId(kid);
                    if (key == null) {
                        throw new IllegalArgumentException("key file " + file + " has no key with kid " + kid);
                    }
                    return key;
                }
                if (set.getKeys().size() != 1) {
                    throw new IllegalArgumentException("key file " + file + " holds " + set.getKeys().size()
                            + " keys; name the one to use by its kid");
                }
                return set.getKeys().get(0);
            }
            JWK key = JWK.parse(json);
            if (kid != null && !kid.equals(key.getKeyID())) {
                throw new IllegalArgumentException("key file " + file + " holds key " + key.getKeyID() + ", not kid " + kid);
            }
            return key;
        } catch (ParseException e) {
            throw new IllegalArgumentException("key file " + file + " is not a valid JWK or JWKS: " + e.getMessage(), e);
        }
    }

    private static JWK fromPem(Path file, String text) {
        try {
            return PemKeys.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key file " + file + " is not a usable PEM RSA or EC key: " + e.getMessage(), e);
        }
    }

    /** RFC 7638 thumbprint as kid, so keys from PEM files can be named in a JWKS too. */
    private static JWK withThumbprintKid(JWK key) {
        if (key.getKeyID() != null) {
            return key;
        }
        try {
            if (key instanceof RSAKey rsa) {
                return new RSAKey.Builder(rsa).keyIDFromThumbprint().build();
            }
            if (key instanceof ECKey ec) {
                return new ECKey.Builder(ec).keyIDFromThumbprint().build();
            }
            if (key instanceof OctetKeyPair okp) {
                return new OctetKeyPair.Builder(okp).keyIDFromThumbprint().build();
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("could not compute the key thumbprint: " + e.getMessage(), e);
        }
        return key;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Temp file in the same directory (created with the final mode), then an atomic rename. */
    private static void writeAtomically(Path file, String content, boolean ownerOnly) {
        Path target = file.toAbsolutePath();
        try {
            Path dir = target.getParent();
            Files.createDirectories(dir);
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            Path temp = posix
                    ? Files.createTempFile(dir, ".key", ".tmp", PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--")))
                    : Files.createTempFile(dir, ".key", ".tmp");
            try {
                Files.writeString(temp, content + "\n", StandardCharsets.UTF_8);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key file " + file + ": " + e.getMessage(), e);
        }
    }
}
