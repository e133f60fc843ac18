package dev.mcpauth.authserver;

import dev.mcpauth.token.RevocationView;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jti of every revoked, unexpired access token, read without touching the database on every /mcp request
 * (RFC 7009 §2: a revoked token is refused at once, not at its exp). Revocations made here are seen at once; with a
 * shared database, those of other replicas are picked up within {@link #POLL} by a background reader, and an
 * unreachable database leaves the last known set in force.
 */
final class RevokedAccessTokens implements RevocationView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevokedAccessTokens.class);
    static final Duration POLL = Duration.ofSeconds(1);
    /** Re-read this far back each time, so a revocation that committed late is not skipped. */
    private static final Duration OVERLAP = Duration.ofMinutes(1);

    private final Map<String, Long> expiryByJti = new ConcurrentHashMap<>();
    private final StateDatabase db;
    private final Clock clock;
    private final Thread poller;
    private volatile boolean failing;

    RevokedAccessTokens(StateDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
        load(Long.MIN_VALUE);
        this.poller = db.shared() ? Thread.ofPlatform().daemon().name("authserver-revocations").start(this::poll) : null;
    }

    @Override
    public boolean isRevoked(String jti) {
        return jti != null && expiryByJti.containsKey(jti);
    }

    void add(String jti, long expiresAt) {
        expiryByJti.put(jti, expiresAt);
    }

    /** Forgets revocations of tokens expired long enough that no verifier accepts them any more. */
    void prune(long forgetExpiredBefore) {
        expiryByJti.values().removeIf(exp -> exp < forgetExpiredBefore);
    }

    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            }
            long since = clock.instant().minus(OVERLAP).getEpochSecond();
            try {
                load(since);
                if (failing) {
                    LOG.info("authserver: the state database {} answers again; revocations are current", db.description());
                }
                failing = false;
            } catch (StorageUnavailable e) {
                if (!failing) {
                    LOG.warn("{}; revocations by other replicas are not seen until it answers", e.getMessage());
                }
                failing = true;
            }
        }
    }

    private void load(long revokedSince) {
        long now = clock.instant().getEpochSecond();
        db.read("read revoked access tokens", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT a.jti, a.expires_at FROM access_tokens a WHERE a.expires_at >= ? AND (a.revoked_at >= ?"
                            + " OR (? AND a.grant_id IN (SELECT g.id FROM grants g WHERE g.revoked)))")) {
                p.setLong(1, now - GrantStore.REVOKED_AFTER_EXPIRY.toSeconds());
                p.setLong(2, revokedSince);
                // The first load also finds tokens of revoked grants (state imported from the JSON files).
                p.setBoolean(3, revokedSince == Long.MIN_VALUE);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        expiryByJti.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return null;
        });
        prune(now - GrantStore.REVOKED_AFTER_EXPIRY.toSeconds());
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.interrupt();
        }
    }
}
