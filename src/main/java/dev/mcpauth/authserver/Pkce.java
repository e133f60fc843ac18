package dev.mcpauth.authserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Pattern;

/** Proof Key for Code Exchange (RFC 7636), S256 only: OAuth 2.1 §4.1.1 and RFC 9700 §2.1.1 rule out "plain". */
public final class Pkce {
    public static final String S256 = "S256";

    // RFC 7636 §4.1: code_verifier = 43*128 unreserved characters.
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    // RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(verifier)) = 43 characters without padding.
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9\\-_]{43}");

    private Pkce() {
    }

    /** The S256 code_challenge of a verifier (RFC 7636 §4.2). */
    public static String challenge(String verifier) {
        byte[] digest = Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** A fresh high-entropy verifier (RFC 7636 §4.1: 32 random octets, base64url). */
    public static String newVerifier() {
        return Secrets.newHandle();
    }

    static boolean isWellFormedChallenge(String challenge) {
        return challenge != null && S256_CHALLENGE.matcher(challenge).matches();
    }

    static boolean isWellFormedVerifier(String verifier) {
        return verifier != null && VERIFIER.matcher(verifier).matches();
    }

    /** RFC 7636 §4.6: recompute the challenge from the verifier and compare, in constant time. */
    static boolean verify(String verifier, String challenge) {
        if (!isWellFormedVerifier(verifier) || challenge == null) {
            return false;
        }
        return MessageDigest.isEqual(challenge(verifier).getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII));
    }
}
