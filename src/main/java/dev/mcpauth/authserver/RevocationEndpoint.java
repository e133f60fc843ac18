package dev.mcpauth.authserver;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Map;

/**
 * RFC 7009 token revocation. A refresh token takes its whole grant with it (every refresh and access token of
 * the family, §2.1); an access token is revoked alone. Unknown tokens get 200 too (§2.2). Runs on a worker thread.
 */
public final class RevocationEndpoint implements HttpHandler {
    private final ClientAuthenticator authenticator;
    private final GrantStore grants;
    private final AccessTokens tokens;

    RevocationEndpoint(ClientAuthenticator authenticator, GrantStore grants, AccessTokens tokens) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.tokens = tokens;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            JsonErrors.send(exchange, 405, "invalid_request", "revocation accepts POST with a form body (RFC 7009 §2.1)");
            return;
        }
        try {
            Map<String, String> form = Forms.read(exchange);
            RegisteredClient client = authenticator.authenticate(exchange, form);
            revoke(client, TokenEndpoint.required(form, "token"), form.get("token_type_hint"));
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.endExchange();
        } catch (OAuthError e) {
            e.send(exchange);
        }
    }

    private void revoke(RegisteredClient client, String token, String hint) throws OAuthError {
        // RFC 7009 §2.1: the hint only decides the lookup order. §2.2: an unknown token is not an error.
        if ("access_token".equals(hint)) {
            if (!revokeAccess(client, token)) {
                revokeRefresh(client, token);
            }
        } else if (!revokeRefresh(client, token)) {
            revokeAccess(client, token);
        }
    }

    private boolean revokeRefresh(RegisteredClient client, String token) throws OAuthError {
        GrantStore.RefreshToken r = grants.findRefreshToken(token);
        GrantStore.Grant g = r == null ? null : grants.grant(r.grantId());
        if (g == null) {
            return false;
        }
        requireOwner(client, g.clientId());
        grants.revokeGrant(g.id());
        org.slf4j.LoggerFactory.getLogger(RevocationEndpoint.class).info("grant revoked by client {} (subject {})", client.clientId(), g.subject());
        return true;
    }

    private boolean revokeAccess(RegisteredClient client, String token) throws OAuthError {
        // Signature and issuer are checked; an expired token needs no revocation.
        JWTClaimsSet claims = tokens.verifiedClaims(token);
        if (claims == null) {
            return false;
        }
        requireOwner(client, (String) claims.getClaim("client_id"));
        grants.revokeAccessToken(claims.getJWTID());
        return true;
    }

    // RFC 7009 §2.1: the AS checks that the token was issued to the client asking for its revocation.
    private static void requireOwner(RegisteredClient client, String owner) throws OAuthError {
        if (!client.clientId().equals(owner)) {
            throw OAuthError.unauthorizedClient("this token was issued to another client; only that client may revoke it");
        }
    }
}
