package dev.mcpauth.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A token's SHA-256, the key under which caches remember it (DESIGN.md: tokens are cached by a hash, never kept
 * themselves). Four longs instead of a wrapped byte array: 48 bytes a key instead of ~100.
 */
record TokenDigest(long a, long b, long c, long d) {

    /** Never used itself: only cloned, so it is never shared between threads. */
    private static final MessageDigest SHA256 = sha256Prototype();

    static TokenDigest of(String token) {
        try {
            // A clone of one instance skips the provider lookup of getInstance on every request.
            MessageDigest digest = (MessageDigest) SHA256.clone();
            ByteBuffer hash = ByteBuffer.wrap(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
            return new TokenDigest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 implementation cannot be cloned", e);
        }
    }

    /** Written out: a record's generated equals links an ObjectMethods call site on first use (~9 ms of a stdio start). */
    @Override
    public boolean equals(Object other) {
        return other instanceof TokenDigest o && a == o.a && b == o.b && c == o.c && d == o.d;
    }

    /** The hash's own bits are already uniform: no need to mix the four fields. */
    @Override
    public int hashCode() {
        return (int) a;
    }

    private static MessageDigest sha256Prototype() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.clone();
            return digest;
        } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 (cloneable, as the JDK's is) is required", e);
        }
    }
}
