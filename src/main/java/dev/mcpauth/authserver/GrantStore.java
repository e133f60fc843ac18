package dev.mcpauth.authserver;

import dev.mcpauth.token.RevocationView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Grants and the tokens issued under them, in the {@link StateDatabase}. A grant is one authorization (a user's
 * consent, or a client's own credentials); its refresh tokens form one rotation family and its access tokens are
 * tracked by {@code jti}, so revoking the grant ends all of them at once (RFC 9700 §4.14.2, §4.5). Refresh tokens and
 * codes are stored only as hashes. Every change is one transaction, so replicas sharing the database agree on it.
 */
public final class GrantStore implements RevocationView, AutoCloseable {

    /** One authorization. {@code kind} is the grant type that created it. */
    record Grant(String id, String clientId, String subject, String scope, String resource, String kind, long createdAt, boolean revoked) {
    }

    /** A refresh token, by hash. {@code rotated}: it was exchanged once and must never work again (RFC 9700 §4.14.2). */
    record RefreshToken(String hash, String grantId, String scope, long issuedAt, long expiresAt, boolean rotated) {
    }

    /** An issued access token, by jti, so introspection can report revocation. */
    record IssuedAccessToken(String jti, String grantId, long expiresAt, boolean revoked) {
    }

    /** An authorization code and everything it was issued for (RFC 6749 §4.1.2, RFC 7636 §4.4). */
    record AuthorizationCode(String hash, String clientId, String requestedRedirectUri, String codeChallenge, String subject,
                             String scope, String resource, long expiresAt, boolean used, String grantId) {
    }

    /** The shape of the grants.json of earlier versions, read once to import it. */
    record Snapshot(List<Grant> grants, List<RefreshToken> refreshTokens, List<IssuedAccessToken> accessTokens) {
    }

    /** Longer than any clock skew a verifier accepts: a revoked jti is remembered this long after its exp. */
    static final Duration REVOKED_AFTER_EXPIRY = Duration.ofMinutes(10);
    /**
     * How long a just-rotated refresh token may be presented again by its own client and get the same answer.
     * A client that refreshes twice at once (two tabs, a retry after a timeout or a crash) sends the same token
     * twice; without this, the second request looks like theft and ends the session (RFC 9700 §4.14.2). A replay
     * later than that, or after the successor was used, is still treated as theft. 30 s (Okta's default reuse
     * interval) rather than a few: a client whose refresh was in flight when the server was killed retries only after
     * the restart and a Retry-After, and must still get the successor that was committed but never delivered
     * (RefreshAcrossKillTest); the attacker's extra time to replay a stolen just-rotated token is those 30 s.
     */
    static final Duration REFRESH_RACE_GRACE = Duration.ofSeconds(30);

    /** The outcome of presenting a refresh token (RFC 9700 §4.14.2). */
    sealed interface Rotation {
        /** The token was live: it is now rotated and {@code successor} replaces it. */
        record Rotated(String successor) implements Rotation {
        }

        /** The token was rotated moments ago and its successor is unused: the same successor again (a race). */
        record Repeated(String successor) implements Rotation {
        }

        /** The token was rotated before and this is not a race: a replay, so the grant must end. */
        record Reused() implements Rotation {
        }
    }

    private final StateDatabase db;
    private final RevokedAccessTokens revoked;
    private final RefreshSuccessors successors;
    private final Clock clock;
    private final Duration refreshTtl;
    private final ExpiredStatePruning pruning;

    GrantStore(AuthServerConfig config, StateDatabase db) {
        this.db = db;
        this.clock = config.clock();
        this.refreshTtl = config.refreshTokenTtl();
        this.successors = new RefreshSuccessors(db);
        this.revoked = new RevokedAccessTokens(db, clock);
        this.pruning = new ExpiredStatePruning(db, revoked);
    }

    Grant createGrant(String clientId, String subject, String scope, String resource, String kind) {
        Grant g = new Grant(Secrets.newHandle(), clientId, subject, scope, resource, kind, now(), false);
        db.transaction("store a grant", c -> insertGrant(c, g));
        return g;
    }

    static int insertGrant(Connection c, Grant g) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO grants (id, client_id, subject, scope, resource, kind, created_at, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, g.id());
            p.setString(2, g.clientId());
            p.setString(3, g.subject());
            p.setString(4, g.scope());
            p.setString(5, g.resource());
            p.setString(6, g.kind());
            p.setLong(7, g.createdAt());
            p.setBoolean(8, g.revoked());
            return p.executeUpdate();
        }
    }

    Grant grant(String id) {
        return id == null ? null : db.read("read a grant", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id, client_id, subject, scope, resource, kind, created_at, revoked FROM grants WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? new Grant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getLong(7), rs.getBoolean(8)) : null;
                }
            }
        });
    }

    boolean isGrantActive(String grantId) {
        Grant g = grant(grantId);
        return g != null && !g.revoked();
    }

    // --- authorization codes ---

    void saveCode(AuthorizationCode code) {
        pruning.maybePrune(now());
        db.transaction("store an authorization code", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO authorization_codes (hash, client_id, redirect_uri, code_challenge,"
                    + " subject, scope, resource, expires_at, used, grant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, code.hash());
                p.setString(2, code.clientId());
                p.setString(3, code.requestedRedirectUri());
                p.setString(4, code.codeChallenge());
                p.setString(5, code.subject());
                p.setString(6, code.scope());
                p.setString(7, code.resource());
                p.setLong(8, code.expiresAt());
                p.setBoolean(9, code.used());
                p.setString(10, code.grantId());
                return p.executeUpdate();
            }
        });
    }

    /**
     * Marks the code used and returns it as it was before: the first presentation consumes it whatever the
     * outcome (OAuth 2.1 §4.1.3, single use), at whichever replica; a second one finds {@code used} set. Null when unknown.
     */
    AuthorizationCode redeemCode(String code) {
        String hash = Secrets.hash(code);
        return db.transaction("redeem an authorization code", c -> {
            int claimed;
            try (PreparedStatement p = c.prepareStatement("UPDATE authorization_codes SET used = TRUE WHERE hash = ? AND used = FALSE")) {
                p.setString(1, hash);
                claimed = p.executeUpdate();
            }
            AuthorizationCode stored = findCode(c, hash);
            if (stored == null || claimed == 0) {
                return stored;
            }
            // This presentation claimed it: the caller sees the code as it was, unused.
            return new AuthorizationCode(stored.hash(), stored.clientId(), stored.requestedRedirectUri(), stored.codeChallenge(),
                    stored.subject(), stored.scope(), stored.resource(), stored.expiresAt(), false, stored.grantId());
        });
    }

    private static AuthorizationCode findCode(Connection c, String hash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT hash, client_id, redirect_uri, code_challenge, subject, scope, resource,"
                + " expires_at, used, grant_id FROM authorization_codes WHERE hash = ?")) {
            p.setString(1, hash);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? new AuthorizationCode(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getBoolean(9), rs.getString(10)) : null;
            }
        }
    }

    /** Remembers which grant a redeemed code produced, so a replay can revoke it (RFC 9700 §4.5.3). */
    void linkCodeToGrant(String codeHash, String grantId) {
        db.transaction("link a code to its grant", c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE authorization_codes SET grant_id = ? WHERE hash = ?")) {
                p.setString(1, grantId);
                p.setString(2, codeHash);
                return p.executeUpdate();
            }
        });
    }

    // --- refresh tokens ---

    /** A new refresh token in the grant's family; the handle is returned once and only its hash kept. */
    String issueRefreshToken(String grantId, String scope) {
        String handle = Secrets.newHandle();
        db.transaction("store a refresh token", c -> insertRefreshToken(c, Secrets.hash(handle), grantId, scope));
        return handle;
    }

    private int insertRefreshToken(Connection c, String hash, String grantId, String scope) throws SQLException {
        long now = now();
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO refresh_tokens (hash, grant_id, scope, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            p.setString(1, hash);
            p.setString(2, grantId);
            p.setString(3, scope);
            p.setLong(4, now);
            p.setLong(5, now + refreshTtl.toSeconds());
            return p.executeUpdate();
        }
    }

    RefreshToken findRefreshToken(String handle) {
        return db.read("read a refresh token", c -> findRefreshTokenByHash(c, Secrets.hash(handle)));
    }

    private static RefreshToken findRefreshTokenByHash(Connection c, String hash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT hash, grant_id, scope, issued_at, expires_at, rotated_at FROM refresh_tokens WHERE hash = ?")) {
            p.setString(1, hash);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                boolean rotated = rs.getObject(6) != null;
                return new RefreshToken(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rotated);
            }
        }
    }

    /**
     * Rotates a refresh token in one transaction: the old one is marked rotated and its successor stored together,
     * so a crash or a storage failure leaves either both or neither, and the successor is stored before anyone sees
     * it. The successor is derived from the presented handle ({@link RefreshSuccessors}), so a repeat within
     * {@link #REFRESH_RACE_GRACE}, while that successor is unused, gets the same successor at any replica, even after
     * a restart (a race or a retry, not a theft); anything else is {@link Rotation.Reused}. The caller has checked
     * the grant and the client.
     */
    Rotation rotate(String handle) {
        String hash = Secrets.hash(handle);
        String successor = successors.successorOf(handle);
        String successorHash = Secrets.hash(successor);
        long now = now();
        return db.transaction("rotate a refresh token", c -> {
            int claimed;
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE refresh_tokens SET rotated_at = ?, successor_hash = ? WHERE hash = ? AND rotated_at IS NULL")) {
                p.setLong(1, now);
                p.setString(2, successorHash);
                p.setString(3, hash);
                claimed = p.executeUpdate();
            }
            RefreshToken old = findRefreshTokenByHash(c, hash);
            if (old == null) {
                return new Rotation.Reused();
            }
            if (claimed == 1) {
                insertRefreshToken(c, successorHash, old.grantId(), old.scope());
                return new Rotation.Rotated(successor);
            }
            return isRace(c, hash, successorHash, now, old.grantId()) ? new Rotation.Repeated(successor) : new Rotation.Reused();
        });
    }

    private static boolean isRace(Connection c, String hash, String successorHash, long now, String grantId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT o.rotated_at FROM refresh_tokens o"
                + " JOIN refresh_tokens s ON s.hash = o.successor_hash JOIN grants g ON g.id = o.grant_id"
                + " WHERE o.hash = ? AND o.successor_hash = ? AND s.rotated_at IS NULL AND NOT g.revoked AND g.id = ?")) {
            p.setString(1, hash);
            p.setString(2, successorHash);
            p.setString(3, grantId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && now - rs.getLong(1) <= REFRESH_RACE_GRACE.toSeconds();
            }
        }
    }

    // --- access tokens ---

    /** Stored before the token is returned, so a token nobody can revoke is never handed out. */
    void recordAccessToken(String jti, String grantId, Instant expiresAt) {
        long exp = expiresAt.getEpochSecond();
        boolean bornRevoked = db.transaction("store an access token", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO access_tokens (jti, grant_id, expires_at) VALUES (?, ?, ?)")) {
                p.setString(1, jti);
                p.setString(2, grantId);
                p.setLong(3, exp);
                p.executeUpdate();
            }
            if (isGrantActive(c, grantId)) {
                return false;
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE access_tokens SET revoked_at = ? WHERE jti = ?")) {
                p.setLong(1, now());
                p.setString(2, jti);
                p.executeUpdate();
            }
            return true;
        });
        if (bornRevoked) {
            // Issued while the grant was being revoked: born revoked.
            revoked.add(jti, exp);
        }
        pruning.maybePrune(now());
    }

    private static boolean isGrantActive(Connection c, String grantId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT revoked FROM grants WHERE id = ?")) {
            p.setString(1, grantId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && !rs.getBoolean(1);
            }
        }
    }

    /** The resource side's view (RFC 7009 §2: a revoked token is refused at once, not at its exp). No database read. */
    @Override
    public boolean isRevoked(String jti) {
        return revoked.isRevoked(jti);
    }

    /** Active: issued here, not revoked itself, and its grant not revoked. */
    boolean isAccessTokenActive(String jti) {
        IssuedAccessToken t = accessToken(jti);
        return t != null && !t.revoked() && isGrantActive(t.grantId());
    }

    IssuedAccessToken accessToken(String jti) {
        return jti == null ? null : db.read("read an access token", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT jti, grant_id, expires_at, revoked_at FROM access_tokens WHERE jti = ?")) {
                p.setString(1, jti);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    boolean revokedToken = rs.getObject(4) != null;
                    return new IssuedAccessToken(rs.getString(1), rs.getString(2), rs.getLong(3), revokedToken);
                }
            }
        });
    }

    void revokeAccessToken(String jti) {
        IssuedAccessToken t = accessToken(jti);
        if (t == null) {
            return;
        }
        db.transaction("revoke an access token", c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE access_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL")) {
                p.setLong(1, now());
                p.setString(2, jti);
                return p.executeUpdate();
            }
        });
        revoked.add(jti, t.expiresAt());
    }

    // --- revocation of a whole grant ---

    /** Ends the grant: every refresh token of its family and every access token issued under it. */
    void revokeGrant(String grantId) {
        if (grantId == null) {
            return;
        }
        long now = now();
        List<IssuedAccessToken> ended = db.transaction("revoke a grant", c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE grants SET revoked = TRUE WHERE id = ?")) {
                p.setString(1, grantId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE access_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL")) {
                p.setLong(1, now);
                p.setString(2, grantId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("SELECT jti, expires_at FROM access_tokens WHERE grant_id = ?")) {
                p.setString(1, grantId);
                try (ResultSet rs = p.executeQuery()) {
                    List<IssuedAccessToken> out = new java.util.ArrayList<>();
                    while (rs.next()) {
                        out.add(new IssuedAccessToken(rs.getString(1), grantId, rs.getLong(2), true));
                    }
                    return out;
                }
            }
        });
        ended.forEach(t -> revoked.add(t.jti(), t.expiresAt()));
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    @Override
    public void close() {
        revoked.close();
    }
}
