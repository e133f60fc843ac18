package dev.mcpauth.authserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random handles (codes, refresh tokens, client secrets) and how they are stored: only their SHA-256. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** 256 bits of randomness, base64url without padding (RFC 6749 §10.10: guessing must be infeasible). */
    static String newHandle() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What is kept at rest instead of the handle itself, so a leaked state file holds no usable token. */
    static String hash(String handle) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(handle.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of a presented secret with a stored hash. */
    static boolean matchesHash(String presented, String storedHash) {
        if (presented == null || storedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(presented).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time string equality for values that are not stored hashed (CSRF tokens, passwords). */
    static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(a.getBytes(StandardCharsets.UTF_8)), sha256(b.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
