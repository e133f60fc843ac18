package dev.mcpauth.token;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A verified access token, as every part downstream of a {@link TokenVerifier} sees it, whatever issued it
 * (a local JWT, a JWKS-signed JWT, or an introspection response).
 *
 * @param subject    the {@code sub} claim (may be null for pure client tokens that carry none)
 * @param clientId   the OAuth client the token was issued to ({@code client_id}, {@code azp} or {@code cid})
 * @param scopes     granted scopes, from {@code scope} (space separated) or {@code scp} (array)
 * @param audiences  the {@code aud} values
 * @param issuer     the {@code iss} claim
 * @param expiresAt  the {@code exp} claim; never null for an accepted token
 * @param claims     every claim, as plain JSON values (String, Number, Boolean, List, Map)
 * @param acceptedUntil the first instant the verifier would no longer accept this token ({@code exp} plus the clock
 *                   skew, {@link JwtRules#acceptedUntil}); decided by the verifier, so that whatever holds the token
 *                   later (the cache, a stdio session, a list filter) agrees with it to the second
 * @param presented  the token as the caller presented it, attached at the edge for this request only (never by a
 *                   verifier, so never cached); used for nothing but RFC 8693 token exchange toward an upstream
 *                   that acts on the caller's behalf; null when not attached
 */
public record AccessToken(
        String subject,
        String clientId,
        Set<String> scopes,
        List<String> audiences,
        String issuer,
        Instant expiresAt,
        Map<String, Object> claims,
        Instant acceptedUntil,
        Presented presented) {

    /** Key under which the verified token travels in the MCP SDK's {@code McpTransportContext}. */
    public static final String CONTEXT_KEY = "dev.mcpauth.access-token";

    public AccessToken {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }

    /** A verified token, without the presented token (verifiers and caches hold these). */
    public AccessToken(String subject, String clientId, Set<String> scopes, List<String> audiences, String issuer,
                       Instant expiresAt, Map<String, Object> claims, Instant acceptedUntil) {
        this(subject, clientId, scopes, audiences, issuer, expiresAt, claims, acceptedUntil, null);
    }

    /** A token accepted until its {@code exp} exactly (no clock skew): tests and tokens the gateway holds itself. */
    public AccessToken(String subject, String clientId, Set<String> scopes, List<String> audiences, String issuer,
                       Instant expiresAt, Map<String, Object> claims) {
        this(subject, clientId, scopes, audiences, issuer, expiresAt, claims, expiresAt);
    }

    /** Whether the verifier would refuse this token at {@code now}: the one expiry rule, applied to a held token. */
    public boolean isExpired(Instant now) {
        return acceptedUntil != null && !now.isBefore(acceptedUntil);
    }

    /** This token for one request, carrying the token string the caller presented (for token exchange only). */
    public AccessToken presentedAs(String token) {
        return new AccessToken(subject, clientId, scopes, audiences, issuer, expiresAt, claims, acceptedUntil, new Presented(token));
    }

    /**
     * The bearer token string as presented, kept out of every {@code toString}: the record's own string shows
     * {@code presented=***}, so logging an {@link AccessToken} never logs the token.
     */
    public static final class Presented {
        private final String token;

        Presented(String token) {
            this.token = java.util.Objects.requireNonNull(token, "token");
        }

        /** The token itself: only for the subject_token of an RFC 8693 exchange. */
        public String value() {
            return token;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Presented p && p.token.equals(token);
        }

        @Override
        public int hashCode() {
            return token.hashCode();
        }

        @Override
        public String toString() {
            return "***";
        }
    }

    /** A name for logs and audit lines: the subject, or the client for client-credential tokens. */
    public String principal() {
        return subject != null ? subject : (clientId != null ? "client:" + clientId : "unknown");
    }
}
