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
 */
public record AccessToken(
        String subject,
        String clientId,
        Set<String> scopes,
        List<String> audiences,
        String issuer,
        Instant expiresAt,
        Map<String, Object> claims,
        Instant acceptedUntil) {

    /** Key under which the verified token travels in the MCP SDK's {@code McpTransportContext}. */
    public static final String CONTEXT_KEY = "dev.mcpauth.access-token";

    public AccessToken {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
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

    /** A name for logs and audit lines: the subject, or the client for client-credential tokens. */
    public String principal() {
        return subject != null ? subject : (clientId != null ? "client:" + clientId : "unknown");
    }
}
