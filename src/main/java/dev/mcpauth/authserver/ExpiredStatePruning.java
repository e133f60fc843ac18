package dev.mcpauth.authserver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most once a minute, on a write, drops what can no longer matter: expired refresh tokens and codes, access tokens
 * past their exp (and the verifiers' skew), grants with nothing left. The database stays the size of what is live
 * (rows are bounded by issue rate × lifetime). A failure here is retried at the next write.
 */
final class ExpiredStatePruning {
    /** A used code is remembered this long, so its replay still finds the grant to revoke (RFC 9700 §4.5.3). */
    static final Duration USED_CODE_MEMORY = Duration.ofMinutes(10);
    private static final Duration EVERY = Duration.ofMinutes(1);

    private final StateDatabase db;
    private final RevokedAccessTokens revoked;
    private final AtomicLong last = new AtomicLong();

    ExpiredStatePruning(StateDatabase db, RevokedAccessTokens revoked) {
        this.db = db;
        this.revoked = revoked;
    }

    void maybePrune(long now) {
        long previous = last.get();
        if (previous != 0 && now - previous < EVERY.toSeconds() || !last.compareAndSet(previous, now)) {
            return;
        }
        long revokedUntil = now - GrantStore.REVOKED_AFTER_EXPIRY.toSeconds();
        long codesUntil = now - USED_CODE_MEMORY.toSeconds();
        try {
            db.transaction("prune expired state", c -> {
                delete(c, "DELETE FROM refresh_tokens WHERE expires_at < ?", now);
                delete(c, "DELETE FROM access_tokens WHERE expires_at < ?", revokedUntil);
                delete(c, "DELETE FROM authorization_codes WHERE expires_at < ?", codesUntil);
                delete(c, "DELETE FROM grants WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = grants.id)"
                        + " AND NOT EXISTS (SELECT 1 FROM access_tokens a WHERE a.grant_id = grants.id)", codesUntil);
                return null;
            });
            revoked.prune(revokedUntil);
        } catch (StorageUnavailable e) {
            last.set(previous);
        }
    }

    private static void delete(Connection c, String sql, long before) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, before);
            p.executeUpdate();
        }
    }
}
