package dev.mcpauth.token;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RSA and EC keys from PEM text (RFC 7468), read by the JDK's own key factories: PKCS#8 {@code PRIVATE KEY},
 * SPKI {@code PUBLIC KEY}, PKCS#1 {@code RSA PRIVATE KEY} / {@code RSA PUBLIC KEY} (RFC 8017 appendix A.1), SEC1
 * {@code EC PRIVATE KEY} (RFC 5915) and {@code CERTIFICATE}. PKCS#1 and SEC1 are the PKCS#8 / SPKI contents
 * without the algorithm wrapper, so they are wrapped and handed to the same factories. An EC private key needs its
 * public point, from the key itself (OpenSSL writes it) or a {@code PUBLIC KEY} beside it.
 */
final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_ALGORITHM = Der.sequence(Der.oid("2a864886f70d010101"), Der.NULL);
    private static final byte[] EC_PUBLIC_KEY_OID = Der.oid("2a8648ce3d0201");

    private PemKeys() {
    }

    /** The key the PEM blocks hold together; a private key when there is one. */
    static JWK parse(String text) {
        byte[] privateDer = null;
        PublicKey publicKey = null;
        Matcher block = BLOCK.matcher(text);
        boolean any = false;
        while (block.find()) {
            any = true;
            byte[] der = base64(block.group(1), block.group(2));
            switch (block.group(1)) {
                case "PRIVATE KEY" -> privateDer = der;
                case "RSA PRIVATE KEY" -> privateDer = Der.sequence(Der.INTEGER_ZERO, RSA_ALGORITHM, Der.octetString(der));
                case "EC PRIVATE KEY" -> privateDer = Der.sequence(Der.INTEGER_ZERO,
                        Der.sequence(EC_PUBLIC_KEY_OID, Der.sec1Curve(der)), Der.octetString(der));
                case "PUBLIC KEY" -> publicKey = publicKey(der);
                case "RSA PUBLIC KEY" -> publicKey = publicKey(Der.sequence(RSA_ALGORITHM, Der.bitString(der)));
                case "CERTIFICATE" -> publicKey = certificateKey(der);
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                        "the private key is encrypted; decrypt it first (openssl pkcs8 -in KEY -out PLAIN)");
                default -> throw new IllegalArgumentException("a PEM block of type '" + block.group(1) + "' holds no usable key");
            }
        }
        if (!any) {
            throw new IllegalArgumentException("no PEM block (-----BEGIN ...-----) found");
        }
        return toJwk(privateDer, publicKey);
    }

    private static JWK toJwk(byte[] privateDer, PublicKey publicKey) {
        PrivateKey privateKey = privateDer == null ? null : privateKey(privateDer);
        if (privateKey instanceof RSAPrivateCrtKey rsa) {
            RSAPublicKey derived = (RSAPublicKey) generatePublic("RSA", new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new RSAKey.Builder(derived).privateKey(rsa).build();
        }
        if (privateKey instanceof ECPrivateKey ec) {
            ECPublicKey pub = publicKey instanceof ECPublicKey given ? given : embeddedPublicKey(ec, privateDer);
            return new ECKey.Builder(curve(ec), pub).privateKey(ec).build();
        }
        if (privateKey != null) {
            throw new IllegalArgumentException("a " + privateKey.getAlgorithm() + " private key; only RSA and EC keys are read from PEM"
                    + " (Ed25519 keys must be JWK files)");
        }
        if (publicKey instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (publicKey instanceof ECPublicKey ec) {
            return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
        }
        throw new IllegalArgumentException("a " + (publicKey == null ? "missing" : publicKey.getAlgorithm())
                + " key; only RSA and EC keys are read from PEM (Ed25519 keys must be JWK files)");
    }

    private static Curve curve(ECPrivateKey key) {
        Curve curve = Curve.forECParameterSpec(key.getParams());
        if (curve == null) {
            throw new IllegalArgumentException("an EC key on a curve JOSE does not name; use P-256, P-384 or P-521");
        }
        return curve;
    }

    /** The public point SEC1 keeps in {@code [1]}, inside the PKCS#8 wrapper (as OpenSSL writes EC keys). */
    private static ECPublicKey embeddedPublicKey(ECPrivateKey key, byte[] pkcs8) {
        byte[] point = Der.sec1PublicPoint(Der.pkcs8Contents(pkcs8));
        int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        if (point == null || point.length != 1 + 2 * size || point[0] != 4) {
            throw new IllegalArgumentException("the EC private key does not carry its public key; put the PUBLIC KEY block"
                    + " in the same PEM file (openssl ec -in KEY -pubout >> KEY)");
        }
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + size)),
                new BigInteger(1, Arrays.copyOfRange(point, 1 + size, point.length)));
        return (ECPublicKey) generatePublic("EC", new ECPublicKeySpec(w, key.getParams()));
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | RuntimeException notThisOne) {
                // the next algorithm
            }
        }
        throw new IllegalArgumentException("the private key is not a readable RSA or EC key");
    }

    private static PublicKey publicKey(byte[] spki) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException | RuntimeException notThisOne) {
                // the next algorithm
            }
        }
        throw new IllegalArgumentException("the public key is not a readable RSA or EC key");
    }

    private static PublicKey certificateKey(byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate cannot be read: " + e.getMessage(), e);
        }
    }

    private static PublicKey generatePublic(String algorithm, java.security.spec.KeySpec spec) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the " + algorithm + " public key cannot be built: " + e.getMessage(), e);
        }
    }

    private static byte[] base64(String type, String body) {
        try {
            return Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block " + type + " is not valid base64", e);
        }
    }
}
