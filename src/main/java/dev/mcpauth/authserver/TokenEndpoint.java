package dev.mcpauth.authserver;

import dev.mcpauth.metrics.Metrics;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The token endpoint (RFC 6749 §3.2, OAuth 2.1 §3.2): authorization_code, refresh_token, client_credentials and
 * token exchange (RFC 8693, in {@link TokenExchangeGrant}). Runs on a worker thread.
 */
public final class TokenEndpoint implements HttpHandler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenEndpoint.class);
    private final AuthServerConfig config;
    private final ClientAuthenticator authenticator;
    private final ClientStore clients;
    private final GrantStore grants;
    private final AccessTokens tokens;
    private final TokenExchangeGrant tokenExchange;
    private final Object codeLock = new Object();

    TokenEndpoint(AuthServerConfig config, ClientAuthenticator authenticator, ClientStore clients, GrantStore grants, AccessTokens tokens) {
        this.config = config;
        this.authenticator = authenticator;
        this.clients = clients;
        this.grants = grants;
        this.tokens = tokens;
        this.tokenExchange = new TokenExchangeGrant(config, clients, grants, tokens);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            JsonErrors.send(exchange, 405, "invalid_request", "the token endpoint accepts POST with a form body (RFC 6749 §3.2)");
            return;
        }
        String grantType = null;
        try {
            Map<String, String> form = Forms.read(exchange);
            RegisteredClient client = authenticator.authenticate(exchange, form);
            grantType = form.get("grant_type");
            if (grantType == null) {
                throw OAuthError.invalidRequest("grant_type is required");
            }
            if (GrantTypes.ALL.contains(grantType) && !client.mayUse(grantType)) {
                throw OAuthError.unauthorizedClient("this client did not register the " + grantType + " grant (RFC 7591 grant_types)");
            }
            switch (grantType) {
                case GrantTypes.AUTHORIZATION_CODE -> authorizationCode(exchange, client, form);
                case GrantTypes.REFRESH_TOKEN -> refreshToken(exchange, client, form);
                case GrantTypes.CLIENT_CREDENTIALS -> clientCredentials(exchange, client, form);
                case GrantTypes.TOKEN_EXCHANGE -> tokenExchange.exchange(exchange, client, form);
                default -> throw new OAuthError(400, "unsupported_grant_type", "grant_type '" + grantType + "' is not supported; use one of " + GrantTypes.ALL);
            }
            Metrics.grant(grantType, "issued");
        } catch (OAuthError e) {
            Metrics.grant(grantType, e.error());
            e.send(exchange);
        }
    }

    // OAuth 2.1 §4.1.3: the code is single-use and bound to the client, the redirect URI and the PKCE challenge.
    private void authorizationCode(HttpServerExchange exchange, RegisteredClient client, Map<String, String> form) throws OAuthError {
        String code = required(form, "code");
        String verifier = required(form, "code_verifier");
        GrantStore.Grant grant;
        GrantStore.AuthorizationCode c;
        // One exchange at a time, so a replay always finds the grant of the first use and can revoke it.
        synchronized (codeLock) {
            c = grants.redeemCode(code);
            checkCode(c, client, form, verifier);
            grant = grants.createGrant(client.clientId(), c.subject(), c.scope(), c.resource(), GrantTypes.AUTHORIZATION_CODE);
            grants.linkCodeToGrant(c.hash(), grant.id());
        }
        AccessTokens.Issued access = tokens.issue(grant, client.clientId(), c.scope(), c.resource());
        String refresh = client.mayUse(GrantTypes.REFRESH_TOKEN) ? grants.issueRefreshToken(grant.id(), c.scope()) : null;
        TokenResponse.send(exchange, access, refresh, c.scope(), null);
    }

    private void checkCode(GrantStore.AuthorizationCode c, RegisteredClient client, Map<String, String> form, String verifier) throws OAuthError {
        if (c == null) {
            throw OAuthError.invalidGrant("the authorization code is unknown or expired; start the authorization again");
        }
        if (c.used()) {
            // RFC 9700 §4.5.3, OAuth 2.1 §4.1.3: a replayed code revokes every token issued from it.
            grants.revokeGrant(c.grantId());
            LOG.warn("authorization code replayed (client {}); revoked the tokens issued from it", client.clientId());
            throw OAuthError.invalidGrant("the authorization code was already used; the tokens issued from it are revoked");
        }
        if (!c.clientId().equals(client.clientId())) {
            throw OAuthError.invalidGrant("the authorization code was issued to another client");
        }
        if (config.clock().instant().getEpochSecond() >= c.expiresAt()) {
            throw OAuthError.invalidGrant("the authorization code has expired (it lives " + config.codeTtl().toSeconds() + " s); start the authorization again");
        }
        checkRedirectUri(c, client, form.get("redirect_uri"));
        // RFC 7636 §4.6: the verifier must hash to the challenge sent with the authorization request.
        if (!Pkce.verify(verifier, c.codeChallenge())) {
            throw OAuthError.invalidGrant("code_verifier does not match the code_challenge of the authorization request (PKCE, RFC 7636 §4.6)");
        }
        if (form.get("resource") != null && !form.get("resource").equals(c.resource())) {
            throw OAuthError.invalidTarget("resource must be '" + c.resource() + "', the one the authorization was for (RFC 8707 §2.2)");
        }
    }

    // OAuth 2.1 §4.1.3: redirect_uri must be sent, identical, if the authorization request had one.
    private static void checkRedirectUri(GrantStore.AuthorizationCode c, RegisteredClient client, String redirectUri) throws OAuthError {
        String expected = c.requestedRedirectUri() != null ? c.requestedRedirectUri()
                : redirectUri == null ? null : client.redirectUris().get(0);
        if (!Objects.equals(expected, redirectUri)) {
            throw OAuthError.invalidGrant(redirectUri == null
                    ? "redirect_uri is required: the authorization request included one"
                    : "redirect_uri does not match the one of the authorization request");
        }
    }

    // RFC 9700 §4.14.2, OAuth 2.1 §4.3.1: refresh tokens of public clients rotate; reuse of an old one ends the grant.
    private void refreshToken(HttpServerExchange exchange, RegisteredClient client, Map<String, String> form) throws OAuthError {
        String presented = required(form, "refresh_token");
        GrantStore.RefreshToken r = grants.findRefreshToken(presented);
        GrantStore.Grant grant = r == null ? null : grants.grant(r.grantId());
        if (grant == null || config.clock().instant().getEpochSecond() >= r.expiresAt()) {
            throw OAuthError.invalidGrant("the refresh token is unknown or expired; authorize again");
        }
        if (!grant.clientId().equals(client.clientId())) {
            throw OAuthError.invalidGrant("the refresh token was issued to another client");
        }
        if (grant.revoked()) {
            throw OAuthError.invalidGrant("the refresh token has been revoked; authorize again");
        }
        // Checked before rotation, so a malformed request does not use the refresh token up.
        String scope = narrowedScope(r.scope(), form.get("scope"));
        if (form.get("resource") != null && !form.get("resource").equals(grant.resource())) {
            throw OAuthError.invalidTarget("resource must be '" + grant.resource() + "', the one this grant is for (RFC 8707 §2.2)");
        }
        // RFC 6749 §6: the new refresh token keeps the original scope; only the access token is narrowed.
        String refresh = switch (grants.rotate(presented)) {
            case GrantStore.Rotation.Rotated(String successor) -> successor;
            case GrantStore.Rotation.Repeated(String successor) -> successor;
            case GrantStore.Rotation.Reused() -> {
                grants.revokeGrant(grant.id());
                LOG.warn("rotated refresh token reused (client {}, subject {}); revoked the whole grant", client.clientId(), grant.subject());
                throw OAuthError.invalidGrant("the refresh token was already used; every token of this grant is now revoked (RFC 9700 §4.14.2)");
            }
        };
        AccessTokens.Issued access = tokens.issue(grant, client.clientId(), scope, grant.resource());
        TokenResponse.send(exchange, access, refresh, scope, null);
    }

    // RFC 6749 §6: the requested scope must not include any scope not originally granted.
    private static String narrowedScope(String granted, String requested) throws OAuthError {
        if (requested == null) {
            return granted;
        }
        Set<String> wider = Scopes.outside(Scopes.parse(requested), Scopes.parse(granted));
        if (!wider.isEmpty()) {
            throw OAuthError.invalidScope("a refresh cannot widen the scope: " + wider + " were not granted; use token exchange or authorize again");
        }
        return Scopes.format(Scopes.parse(requested));
    }

    // RFC 6749 §4.4: confidential clients only; the client is the subject. Only operator-configured clients: a
    // token with no user behind it is the operator's to hand out, never a self-registered client's (nor one a stale
    // state file says may).
    private void clientCredentials(HttpServerExchange exchange, RegisteredClient client, Map<String, String> form) throws OAuthError {
        if (client.isPublic() || !clients.isOperatorConfigured(client.clientId())) {
            throw OAuthError.unauthorizedClient("client_credentials is only for clients the operator configured (--client ID:SECRET:SCOPES); "
                    + "a registered client gets tokens through authorization_code, with a user's consent");
        }
        Set<String> supported = config.scopesSupported().keySet();
        Set<String> allowed = Scopes.intersect(client.allowedScopes(supported), supported);
        Set<String> requested = form.get("scope") == null ? Scopes.intersect(allowed, config.defaultScopes()) : Scopes.parse(form.get("scope"));
        Set<String> refused = Scopes.outside(requested, allowed);
        if (!refused.isEmpty()) {
            throw OAuthError.invalidScope("scopes " + refused + " are not available to this client; allowed: " + allowed);
        }
        String resource = ResourceIndicators.resolve(config.resources(), form.get("resource"));
        String scope = Scopes.format(requested);
        GrantStore.Grant grant = grants.createGrant(client.clientId(), client.clientId(), scope, resource, GrantTypes.CLIENT_CREDENTIALS);
        // OAuth 2.1 §4.2: no refresh token, the client can always ask again.
        TokenResponse.send(exchange, tokens.issue(grant, client.clientId(), scope, resource), null, scope, null);
    }

    static String required(Map<String, String> form, String name) throws OAuthError {
        String v = form.get(name);
        if (v == null) {
            throw OAuthError.invalidRequest(name + " is required");
        }
        return v;
    }
}
