package dev.mcpauth.authserver;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client as registered (RFC 7591 §2). The secret is kept only as its SHA-256 ({@link Secrets#hash}).
 *
 * @param scope     the scopes the client registered for (RFC 7591 §2 {@code scope}), or null when it named none
 * @param metadata  other registered human-facing metadata echoed back (client_uri, contacts, software_id, ...)
 */
public record RegisteredClient(
        String clientId,
        String clientSecretHash,
        long clientIdIssuedAt,
        String clientName,
        List<String> redirectUris,
        String tokenEndpointAuthMethod,
        List<String> grantTypes,
        List<String> responseTypes,
        String applicationType,
        String scope,
        Map<String, Object> metadata) {

    static final String NONE = "none";
    static final String CLIENT_SECRET_BASIC = "client_secret_basic";
    static final String CLIENT_SECRET_POST = "client_secret_post";

    public RegisteredClient {
        redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
        grantTypes = grantTypes == null ? List.of() : List.copyOf(grantTypes);
        responseTypes = responseTypes == null ? List.of() : List.copyOf(responseTypes);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** RFC 6749 §2.1: a client that cannot keep a secret. */
    @JsonIgnore
    public boolean isPublic() {
        return NONE.equals(tokenEndpointAuthMethod);
    }

    @JsonIgnore
    public boolean mayUse(String grantType) {
        return grantTypes.contains(grantType);
    }

    /** RFC 7591 §2: a registered {@code scope} limits what the client may ask for; otherwise every supported scope. */
    @JsonIgnore
    public Set<String> allowedScopes(Set<String> supported) {
        return scope == null ? supported : Scopes.parse(scope);
    }

    /** What the consent page calls the client: its name, else its id. */
    @JsonIgnore
    public String displayName() {
        return clientName != null && !clientName.isBlank() ? clientName : clientId;
    }
}
