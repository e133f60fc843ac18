package dev.mcpauth.authserver;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The successor of a refresh token is HMAC-SHA256(key, presented token): the same at every replica and after a
 * restart, so a client whose refresh response was lost (a crash after the commit, a dropped connection) gets the same
 * successor when it retries within the grace window, and the successor itself is never stored, only its hash. The key
 * lives in the state database; without it nobody can compute a successor from a stolen old token.
 */
final class RefreshSuccessors {
    private final byte[] key;

    RefreshSuccessors(StateDatabase db) {
        this.key = Base64.getUrlDecoder().decode(db.secret("refresh-successor-key", Secrets::newHandle));
    }

    String successorOf(String handle) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(("refresh-successor:" + handle).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
