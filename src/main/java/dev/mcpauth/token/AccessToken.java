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
 */
public record AccessToken(
        String subject,
        String clientId,
        Set<String> scopes,
        List<String> audiences,
        String issuer,
        Instant expiresAt,
        Map<String, Object> claims) {

    /** Key under which the verified token travels in the MCP SDK's {@code McpTransportContext}. */
    public static final String CONTEXT_KEY = "dev.mcpauth.access-token";

    public AccessToken {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** A name for logs and audit lines: the subject, or the client for client-credential tokens. */
    public String principal() {
        return subject != null ? subject : (clientId != null ? "client:" + clientId : "unknown");
    }
}
