package dev.mcpauth.authserver;

import com.nimbusds.jwt.JWTClaimsSet;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RFC 8693 token exchange, in two uses. As the scope-upgrade endpoint: a client trades an access token this AS issued
 * to it for one with more scopes, within what the user consented to (or, with auto-approve, may hold) and the
 * client's registration allows. On a user's behalf: an operator-configured client with this grant (a gateway,
 * {@code --client ID:SECRET} with token exchange) trades another client's token for one bound to another of this
 * server's resources, for the same user and at most the same scopes. Either way the new token joins the original
 * grant, so revoking the grant ends it too.
 */
final class TokenExchangeGrant {
    private final AuthServerConfig config;
    private final ClientStore clients;
    private final GrantStore grants;
    private final AccessTokens tokens;

    TokenExchangeGrant(AuthServerConfig config, ClientStore clients, GrantStore grants, AccessTokens tokens) {
        this.config = config;
        this.clients = clients;
        this.grants = grants;
        this.tokens = tokens;
    }

    void exchange(HttpServerExchange exchange, RegisteredClient client, Map<String, String> form) throws OAuthError {
        if (isOnBehalf(client, form)) {
            onBehalf(exchange, client, form);
            return;
        }
        Subject st = subjectToken(client, form);
        GrantStore.Grant grant = st.grant();
        JWTClaimsSet subject = st.claims();
        Set<String> current = Scopes.parse((String) subject.getClaim("scope"));
        Set<String> requested = form.get("scope") == null ? current : Scopes.parse(form.get("scope"));
        Set<String> allowed = allowedScopes(client, grant);
        Set<String> refused = Scopes.outside(requested, allowed);
        if (!refused.isEmpty()) {
            throw OAuthError.invalidScope("scopes " + refused + " are beyond what " + grant.subject() + " with this client may hold"
                    + (config.autoApprove() ? "" : " without consenting again (authorize with the wider scope)") + "; allowed: " + allowed);
        }
        String resource = resource(form, subject, grant);
        String scope = Scopes.format(requested);
        AccessTokens.Issued access = tokens.issue(grant, client.clientId(), scope, resource);
        TokenResponse.send(exchange, access, null, scope, GrantTypes.ACCESS_TOKEN_TYPE);
    }

    /** An operator client exchanging a token issued to another client: the on-behalf-of use. */
    private boolean isOnBehalf(RegisteredClient client, Map<String, String> form) {
        if (!clients.isOperatorConfigured(client.clientId()) || form.get("subject_token") == null) {
            return false;
        }
        JWTClaimsSet claims = tokens.activeClaims(form.get("subject_token"));
        return claims != null && !client.clientId().equals(claims.getClaim("client_id"));
    }

    /**
     * RFC 8693 section 2.1: the operator client acts for the subject token's user at another resource of this server.
     * Never wider than the subject token: the same user, at most its scopes (section 5: the AS decides what the new
     * token may carry); the new token's client is the operator client, so the resource sees who acts.
     */
    private void onBehalf(HttpServerExchange exchange, RegisteredClient client, Map<String, String> form) throws OAuthError {
        Subject st = subjectToken(form);
        Set<String> held = Scopes.parse((String) st.claims().getClaim("scope"));
        Set<String> requested = form.get("scope") == null ? held : Scopes.parse(form.get("scope"));
        Set<String> refused = Scopes.outside(requested, held);
        if (!refused.isEmpty()) {
            throw OAuthError.invalidScope("scopes " + refused + " are beyond the subject token's " + held
                    + "; a token exchanged on a user's behalf carries at most the user's scopes");
        }
        String requestedResource = form.get("resource") != null ? form.get("resource") : form.get("audience");
        if (requestedResource == null) {
            throw OAuthError.invalidTarget("resource (or audience) is required: name the resource the new token is for");
        }
        String resource = ResourceIndicators.resolve(config.resources(), requestedResource);
        String scope = Scopes.format(requested);
        AccessTokens.Issued access = tokens.issue(st.grant(), client.clientId(), scope, resource);
        TokenResponse.send(exchange, access, null, scope, GrantTypes.ACCESS_TOKEN_TYPE);
    }

    /** The verified subject_token and the grant it was issued under. */
    private record Subject(JWTClaimsSet claims, GrantStore.Grant grant) {
    }

    // RFC 8693 §2.2.2: an invalid or unacceptable subject_token is invalid_request.
    private Subject subjectToken(RegisteredClient client, Map<String, String> form) throws OAuthError {
        Subject subject = subjectToken(form);
        if (!client.clientId().equals(subject.claims().getClaim("client_id"))) {
            throw OAuthError.invalidRequest("subject_token was issued to another client; only its own client may upgrade it");
        }
        return subject;
    }

    private Subject subjectToken(Map<String, String> form) throws OAuthError {
        String token = TokenEndpoint.required(form, "subject_token");
        if (!GrantTypes.ACCESS_TOKEN_TYPE.equals(TokenEndpoint.required(form, "subject_token_type"))) {
            throw OAuthError.invalidRequest("subject_token_type must be " + GrantTypes.ACCESS_TOKEN_TYPE);
        }
        if (form.containsKey("actor_token")) {
            throw OAuthError.invalidRequest("delegation (actor_token) is not supported; exchange the subject_token alone");
        }
        String requestedType = form.get("requested_token_type");
        if (requestedType != null && !requestedType.equals(GrantTypes.ACCESS_TOKEN_TYPE)) {
            throw OAuthError.invalidRequest("requested_token_type must be " + GrantTypes.ACCESS_TOKEN_TYPE);
        }
        JWTClaimsSet claims = tokens.activeClaims(token);
        if (claims == null) {
            throw OAuthError.invalidRequest("subject_token is not an active access token issued by this server");
        }
        GrantStore.IssuedAccessToken issued = grants.accessToken(claims.getJWTID());
        GrantStore.Grant grant = issued == null ? null : grants.grant(issued.grantId());
        if (grant == null || grant.revoked()) {
            throw OAuthError.invalidRequest("subject_token is not an active access token issued by this server");
        }
        return new Subject(claims, grant);
    }

    /**
     * Supported ∩ the client's registered scope ∩ what the grant may reach. For a user's grant behind the consent
     * page that is what the user approved there: an exchange must not be a way around consent (widening needs the
     * user, through /authorize again). With auto-approve nobody is asked anyway, so it is what the user may hold.
     */
    private Set<String> allowedScopes(RegisteredClient client, GrantStore.Grant grant) {
        Set<String> supported = config.scopesSupported().keySet();
        Set<String> allowed = Scopes.intersect(client.allowedScopes(supported), supported);
        if (GrantTypes.CLIENT_CREDENTIALS.equals(grant.kind())) {
            return allowed;
        }
        Set<String> reach = config.autoApprove() ? config.allowedScopesForUser(grant.subject()) : Scopes.parse(grant.scope());
        return Scopes.intersect(allowed, reach);
    }

    // RFC 8693 §2.1: resource (or audience) names the target; default is the subject token's audience. A user's
    // grant was approved for one resource (RFC 8707 §2): an exchange may not carry it to another MCP server.
    private String resource(Map<String, String> form, JWTClaimsSet subject, GrantStore.Grant grant) throws OAuthError {
        String requested = form.get("resource") != null ? form.get("resource") : form.get("audience");
        if (requested == null) {
            List<String> aud = subject.getAudience();
            requested = aud.isEmpty() ? null : aud.get(0);
        }
        String resource = ResourceIndicators.resolve(config.resources(), requested);
        if (!GrantTypes.CLIENT_CREDENTIALS.equals(grant.kind()) && !resource.equals(grant.resource())) {
            throw OAuthError.invalidTarget("resource must be '" + grant.resource() + "', the one the user authorized (RFC 8707 §2); "
                    + "authorize again for another resource");
        }
        return resource;
    }
}
