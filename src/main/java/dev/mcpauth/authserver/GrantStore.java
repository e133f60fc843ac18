package dev.mcpauth.authserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.mcpauth.token.RevocationView;

/**
 * Grants and the tokens issued under them. A grant is one authorization (a user's consent, or a client's own
 * credentials); its refresh tokens form one rotation family and its access tokens are tracked by {@code jti},
 * so revoking the grant ends all of them at once (RFC 9700 §4.14.2, §4.5). Refresh tokens and codes are
 * stored only as hashes. Authorization codes live in memory only: they last a minute.
 */
public final class GrantStore implements RevocationView {

    /** One authorization. {@code kind} is the grant type that created it. */
    record Grant(String id, String clientId, String subject, String scope, String resource, String kind, long createdAt, boolean revoked) {
        Grant revoke() {
            return new Grant(id, clientId, subject, scope, resource, kind, createdAt, true);
        }
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

    /** The persisted shape of grants.json. */
    record Snapshot(List<Grant> grants, List<RefreshToken> refreshTokens, List<IssuedAccessToken> accessTokens) {
    }

    private static final Duration USED_CODE_MEMORY = Duration.ofMinutes(10);
    /**
     * How long a just-rotated refresh token may be presented again by its own client and get the same answer.
     * A client that refreshes twice at once (two tabs, a retry after a timeout) sends the same token twice; without
     * this, the second request looks like theft and ends the session (RFC 9700 §4.14.2). Ten seconds covers a
     * network retry; a replay later than that, or after the successor was used, is still treated as theft.
     */
    /** Longer than any clock skew a verifier accepts: a revoked jti is remembered this long after its exp. */
    private static final Duration REVOKED_AFTER_EXPIRY = Duration.ofMinutes(10);
    static final Duration REFRESH_RACE_GRACE = Duration.ofSeconds(10);

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

    /** The successor handed out for a rotated refresh token, kept in memory only, for {@link #REFRESH_RACE_GRACE}. */
    private record RecentRotation(String successor, String successorHash, long until) {
    }

    private final Map<String, Grant> grants = new LinkedHashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    private final Map<String, IssuedAccessToken> accessTokens = new HashMap<>();
    private final Map<String, AuthorizationCode> codes = new HashMap<>();
    private final Map<String, RecentRotation> recentRotations = new HashMap<>();
    /** The jti of every revoked, unexpired access token: read without a lock on every /mcp request. */
    private final Set<String> revokedJtis = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final Duration refreshTtl;
    private final StateFile file;

    GrantStore(AuthServerConfig config) {
        this.clock = config.clock();
        this.refreshTtl = config.refreshTokenTtl();
        this.file = config.stateDirectory() == null ? null : new StateFile(config.stateDirectory(), "grants.json");
        Snapshot s = file == null ? null : file.read(Snapshot.class);
        if (s != null) {
            if (s.grants() != null) s.grants().forEach(g -> grants.put(g.id(), g));
            if (s.refreshTokens() != null) s.refreshTokens().forEach(r -> refreshTokens.put(r.hash(), r));
            if (s.accessTokens() != null) s.accessTokens().forEach(a -> accessTokens.put(a.jti(), a));
        }
        accessTokens.values().forEach(a -> {
            if (a.revoked() || !isGrantActive(a.grantId())) {
                revokedJtis.add(a.jti());
            }
        });
    }

    synchronized Grant createGrant(String clientId, String subject, String scope, String resource, String kind) {
        Grant g = new Grant(Secrets.newHandle(), clientId, subject, scope, resource, kind, now(), false);
        grants.put(g.id(), g);
        persist();
        return g;
    }

    synchronized Grant grant(String id) {
        return grants.get(id);
    }

    // --- authorization codes ---

    synchronized void saveCode(AuthorizationCode code) {
        pruneCodes();
        codes.put(code.hash(), code);
    }

    /**
     * Marks the code used and returns it as it was before: the first presentation consumes it whatever the
     * outcome (OAuth 2.1 §4.1.3, single use); a second one finds {@code used} set. Null when unknown.
     */
    synchronized AuthorizationCode redeemCode(String code) {
        String hash = Secrets.hash(code);
        AuthorizationCode c = codes.get(hash);
        if (c != null && !c.used()) {
            codes.put(hash, new AuthorizationCode(c.hash(), c.clientId(), c.requestedRedirectUri(), c.codeChallenge(), c.subject(),
                    c.scope(), c.resource(), c.expiresAt(), true, null));
        }
        return c;
    }

    /** Remembers which grant a redeemed code produced, so a replay can revoke it (RFC 9700 §4.5.3). */
    synchronized void linkCodeToGrant(String codeHash, String grantId) {
        AuthorizationCode c = codes.get(codeHash);
        if (c != null) {
            codes.put(codeHash, new AuthorizationCode(c.hash(), c.clientId(), c.requestedRedirectUri(), c.codeChallenge(), c.subject(),
                    c.scope(), c.resource(), c.expiresAt(), true, grantId));
        }
    }

    // --- refresh tokens ---

    /** A new refresh token in the grant's family; the handle is returned once and only its hash kept. */
    synchronized String issueRefreshToken(String grantId, String scope) {
        String handle = Secrets.newHandle();
        long now = now();
        refreshTokens.put(Secrets.hash(handle), new RefreshToken(Secrets.hash(handle), grantId, scope, now, now + refreshTtl.toSeconds(), false));
        persist();
        return handle;
    }

    synchronized RefreshToken findRefreshToken(String handle) {
        return refreshTokens.get(Secrets.hash(handle));
    }

    /**
     * Rotates a refresh token atomically: the first presentation gets a new successor; a second one by the same
     * client within {@link #REFRESH_RACE_GRACE}, while that successor is unused, gets the same successor (a race,
     * not a theft); anything else is {@link Rotation.Reused}. The caller has checked the grant and the client.
     */
    synchronized Rotation rotate(RefreshToken token) {
        RefreshToken current = refreshTokens.get(token.hash());
        long now = now();
        recentRotations.values().removeIf(r -> r.until() <= now);
        if (current != null && !current.rotated()) {
            refreshTokens.put(token.hash(), new RefreshToken(current.hash(), current.grantId(), current.scope(), current.issuedAt(), current.expiresAt(), true));
            String successor = issueRefreshToken(current.grantId(), current.scope());
            recentRotations.put(token.hash(), new RecentRotation(successor, Secrets.hash(successor), now + REFRESH_RACE_GRACE.toSeconds()));
            return new Rotation.Rotated(successor);
        }
        RecentRotation recent = recentRotations.get(token.hash());
        RefreshToken successor = recent == null ? null : refreshTokens.get(recent.successorHash());
        if (successor != null && !successor.rotated() && isGrantActive(successor.grantId())) {
            return new Rotation.Repeated(recent.successor());
        }
        return new Rotation.Reused();
    }

    // --- access tokens ---

    synchronized void recordAccessToken(String jti, String grantId, Instant expiresAt) {
        accessTokens.put(jti, new IssuedAccessToken(jti, grantId, expiresAt.getEpochSecond(), false));
        if (!isGrantActive(grantId)) {
            // Issued while the grant was being revoked: born revoked.
            revokedJtis.add(jti);
        }
        persist();
    }

    /** The resource side's view (RFC 7009 §2: a revoked token is refused at once, not at its exp). No lock. */
    @Override
    public boolean isRevoked(String jti) {
        return jti != null && revokedJtis.contains(jti);
    }

    /** Active: issued here, not revoked itself, and its grant not revoked. */
    synchronized boolean isAccessTokenActive(String jti) {
        IssuedAccessToken t = jti == null ? null : accessTokens.get(jti);
        if (t == null || t.revoked()) {
            return false;
        }
        Grant g = grants.get(t.grantId());
        return g != null && !g.revoked();
    }

    synchronized IssuedAccessToken accessToken(String jti) {
        return jti == null ? null : accessTokens.get(jti);
    }

    synchronized void revokeAccessToken(String jti) {
        IssuedAccessToken t = accessTokens.get(jti);
        if (t != null) {
            accessTokens.put(jti, new IssuedAccessToken(t.jti(), t.grantId(), t.expiresAt(), true));
            revokedJtis.add(jti);
            persist();
        }
    }

    // --- revocation of a whole grant ---

    /** Ends the grant: every refresh token of its family and every access token issued under it. */
    synchronized void revokeGrant(String grantId) {
        Grant g = grantId == null ? null : grants.get(grantId);
        if (g != null && !g.revoked()) {
            grants.put(grantId, g.revoke());
            accessTokens.values().stream().filter(a -> a.grantId().equals(grantId)).forEach(a -> revokedJtis.add(a.jti()));
            persist();
        }
    }

    synchronized boolean isGrantActive(String grantId) {
        Grant g = grants.get(grantId);
        return g != null && !g.revoked();
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private void pruneCodes() {
        long forgetBefore = now() - USED_CODE_MEMORY.toSeconds();
        codes.values().removeIf(c -> c.expiresAt() < forgetBefore);
    }

    /** Drops what can no longer matter (expired tokens, grants with nothing left), then writes the file. */
    private void persist() {
        long now = now();
        refreshTokens.values().removeIf(r -> r.expiresAt() < now);
        // Kept past exp by the largest clock skew a resource server may allow, so a revoked token never comes back.
        accessTokens.values().removeIf(a -> a.expiresAt() + REVOKED_AFTER_EXPIRY.toSeconds() < now);
        revokedJtis.retainAll(accessTokens.keySet());
        long keepNewGrants = now - USED_CODE_MEMORY.toSeconds();
        grants.values().removeIf(g -> g.createdAt() < keepNewGrants
                && refreshTokens.values().stream().noneMatch(r -> r.grantId().equals(g.id()))
                && accessTokens.values().stream().noneMatch(a -> a.grantId().equals(g.id())));
        if (file != null) {
            file.write(new Snapshot(new ArrayList<>(grants.values()), new ArrayList<>(refreshTokens.values()), new ArrayList<>(accessTokens.values())));
        }
    }
}
