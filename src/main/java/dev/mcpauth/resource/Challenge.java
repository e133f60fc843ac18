package dev.mcpauth.resource;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds every {@code WWW-Authenticate: Bearer ...} value this resource sends, in one place
 * (RFC 6750 section 3, RFC 9728 section 5.1, MCP authorization "Scope Challenge Handling").
 *
 * <p>Parameter values are quoted-strings (RFC 9110 section 11.2); {@code error_description} and {@code scope}
 * are further restricted to the characters RFC 6750 section 3 allows, so no client parser can be confused.
 */
public final class Challenge {

    /** The MCP clients we know parse {@code realm} harmlessly; it names the protection space (RFC 6750 section 3). */
    public static final String DEFAULT_REALM = "mcp";

    private final String realm;
    private final URI resourceMetadataUrl;
    private final Set<String> basicScopes;
    private final URI scopeUpgradeEndpoint;

    /**
     * @param realm                the protection space, usually {@link #DEFAULT_REALM}
     * @param resourceMetadataUrl  where the RFC 9728 document is served (see {@link ProtectedResourceMetadata#metadataUrl()})
     * @param basicScopes          the scopes a basic session needs, hinted on 401 (may be empty: no {@code scope} hint)
     * @param scopeUpgradeEndpoint where a client can ask for more scopes (may be null), named in 403 bodies
     */
    public Challenge(String realm, URI resourceMetadataUrl, Set<String> basicScopes, URI scopeUpgradeEndpoint) {
        this.realm = Objects.requireNonNull(realm, "realm");
        this.resourceMetadataUrl = Objects.requireNonNull(resourceMetadataUrl, "resourceMetadataUrl");
        this.basicScopes = basicScopes == null ? Set.of() : Set.copyOf(new TreeSet<>(basicScopes));
        this.scopeUpgradeEndpoint = scopeUpgradeEndpoint;
    }

    public Challenge(URI resourceMetadataUrl, Set<String> basicScopes) {
        this(DEFAULT_REALM, resourceMetadataUrl, basicScopes, null);
    }

    public URI resourceMetadataUrl() {
        return resourceMetadataUrl;
    }

    public Optional<URI> scopeUpgradeEndpoint() {
        return Optional.ofNullable(scopeUpgradeEndpoint);
    }

    public Set<String> basicScopes() {
        return basicScopes;
    }

    /** No credentials (or an unsupported scheme): RFC 6750 section 3.1 says no error code then. */
    public String missingToken() {
        return bearer(null, null, basicScopes);
    }

    /** A token was sent but is expired, revoked, malformed or for another audience (RFC 6750 section 3.1). */
    public String invalidToken(String description) {
        return bearer("invalid_token", description, basicScopes);
    }

    /** The request is malformed: two credentials, a token in the query, a bad header (RFC 6750 section 3.1). */
    public String invalidRequest(String description) {
        return bearer("invalid_request", description, Set.of());
    }

    /**
     * The token lacks scopes for this operation (RFC 6750 section 3.1, MCP step-up authorization):
     * {@code scope} lists every scope the client should hold to be allowed.
     */
    public String insufficientScope(Collection<String> scopes, String description) {
        return bearer("insufficient_scope", description, scopes);
    }

    private String bearer(String error, String description, Collection<String> scopes) {
        List<String> params = new ArrayList<>();
        params.add(param("realm", quotedString(realm)));
        if (error != null) {
            params.add(param("error", quotedString(error)));
            if (description != null && !description.isBlank()) {
                params.add(param("error_description", quotedString(errorDescription(description))));
            }
        }
        params.add(param("resource_metadata", quotedString(resourceMetadataUrl.toString())));
        String scope = scopeValue(scopes);
        if (!scope.isEmpty()) {
            params.add(param("scope", quotedString(scope)));
        }
        return "Bearer " + String.join(", ", params);
    }

    private static String param(String name, String quotedValue) {
        return name + "=" + quotedValue;
    }

    /** Space-separated scope-tokens, sorted; tokens with characters RFC 6750 section 3 forbids are left out. */
    static String scopeValue(Collection<String> scopes) {
        return new TreeSet<>(scopes).stream()
                .filter(Challenge::isScopeToken)
                .reduce((a, b) -> a + " " + b)
                .orElse("");
    }

    /** RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
    static boolean isScopeToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E))) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 6750 section 3: error_description uses only %x20-21 / %x23-5B / %x5D-7E, so double quotes become
     * single quotes, backslashes slashes, and anything else outside the set (control, non-ASCII) a '?'.
     */
    static String errorDescription(String description) {
        StringBuilder out = new StringBuilder(description.length());
        for (int i = 0; i < description.length() && out.length() < 300; i++) {
            char c = description.charAt(i);
            if (c == '"') {
                out.append('\'');
            } else if (c == '\\') {
                out.append('/');
            } else if (c >= 0x20 && c <= 0x7E) {
                out.append(c);
            } else {
                out.append('?');
            }
        }
        return out.toString();
    }

    /** RFC 9110 section 5.6.4 quoted-string: escape '"' and '\', drop characters a header cannot carry. */
    static String quotedString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\t' || (c >= 0x20 && c <= 0x7E)) {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
