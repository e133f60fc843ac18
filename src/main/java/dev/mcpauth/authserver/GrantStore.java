package dev.mcpauth.authserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Grants and the tokens issued under them. A grant is one authorization (a user's consent, or a client's own
 * credentials); its refresh tokens form one rotation family and its access tokens are tracked by {@code jti},
 * so revoking the grant ends all of them at once (RFC 9700 §4.14.2, §4.5). Refresh tokens and codes are
 * stored only as hashes. Authorization codes live in memory only: they last a minute.
 */
public final class GrantStore {

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

    private final Map<String, Grant> grants = new LinkedHashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    private final Map<String, IssuedAccessToken> accessTokens = new HashMap<>();
    private final Map<String, AuthorizationCode> codes = new HashMap<>();
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

    /** Marks a refresh token as exchanged; false when it already was (a concurrent reuse). */
    synchronized boolean markRotated(RefreshToken token) {
        RefreshToken current = refreshTokens.get(token.hash());
        if (current == null || current.rotated()) {
            return false;
        }
        refreshTokens.put(token.hash(), new RefreshToken(current.hash(), current.grantId(), current.scope(), current.issuedAt(), current.expiresAt(), true));
        persist();
        return true;
    }

    // --- access tokens ---

    synchronized void recordAccessToken(String jti, String grantId, Instant expiresAt) {
        accessTokens.put(jti, new IssuedAccessToken(jti, grantId, expiresAt.getEpochSecond(), false));
        persist();
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
            persist();
        }
    }

    // --- revocation of a whole grant ---

    /** Ends the grant: every refresh token of its family and every access token issued under it. */
    synchronized void revokeGrant(String grantId) {
        Grant g = grantId == null ? null : grants.get(grantId);
        if (g != null && !g.revoked()) {
            grants.put(grantId, g.revoke());
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
        accessTokens.values().removeIf(a -> a.expiresAt() < now);
        long keepNewGrants = now - USED_CODE_MEMORY.toSeconds();
        grants.values().removeIf(g -> g.createdAt() < keepNewGrants
                && refreshTokens.values().stream().noneMatch(r -> r.grantId().equals(g.id()))
                && accessTokens.values().stream().noneMatch(a -> a.grantId().equals(g.id())));
        if (file != null) {
            file.write(new Snapshot(new ArrayList<>(grants.values()), new ArrayList<>(refreshTokens.values()), new ArrayList<>(accessTokens.values())));
        }
    }
}
