package dev.mcpauth.authserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Map;

/**
 * RFC 7662 token introspection for resource servers. Callers must authenticate as an operator-configured
 * confidential client (§2.1: the endpoint is protected, to stop token scanning; §4: the AS chooses who may ask). Answers for access and refresh tokens alike;
 * anything unknown, expired or revoked is just {@code {"active": false}} (§2.2). Runs on a worker thread.
 */
public final class IntrospectionEndpoint implements HttpHandler {
    private final String issuer;
    private final ClientAuthenticator authenticator;
    private final ClientStore clients;
    private final GrantStore grants;
    private final AccessTokens tokens;
    private final java.time.Clock clock;

    IntrospectionEndpoint(AuthServerConfig config, ClientAuthenticator authenticator, ClientStore clients, GrantStore grants, AccessTokens tokens) {
        this.issuer = config.issuerString();
        this.authenticator = authenticator;
        this.clients = clients;
        this.grants = grants;
        this.tokens = tokens;
        this.clock = config.clock();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            JsonErrors.send(exchange, 405, "invalid_request", "introspection accepts POST with a form body (RFC 7662 §2.1)");
            return;
        }
        try {
            Map<String, String> form = Forms.read(exchange);
            RegisteredClient caller = authenticator.authenticate(exchange, form);
            if (caller.isPublic()) {
                throw OAuthError.invalidClient("introspection is for confidential clients (resource servers) only", false);
            }
            // RFC 7662 §4: the AS decides which clients may introspect, or anyone who registers could read the
            // subject, scopes and client of any token they find. Only the resource servers the operator configured.
            if (!clients.isOperatorConfigured(caller.clientId())) {
                throw OAuthError.forbidden("introspection is only for the resource servers the operator configured (--client ID:SECRET); "
                        + "a registered client cannot introspect");
            }
            String token = TokenEndpoint.required(form, "token");
            JsonErrors.sendJson(exchange, 200, introspect(token, form.get("token_type_hint")));
        } catch (OAuthError e) {
            e.send(exchange);
        }
    }

    // RFC 7662 §2.1: the hint only decides which kind of token is looked up first.
    private ObjectNode introspect(String token, String hint) {
        ObjectNode result = "refresh_token".equals(hint) ? refreshToken(token) : accessToken(token);
        if (result == null) {
            result = "refresh_token".equals(hint) ? accessToken(token) : refreshToken(token);
        }
        if (result == null) {
            result = JsonErrors.MAPPER.createObjectNode();
            result.put("active", false);
        }
        return result;
    }

    private ObjectNode accessToken(String token) {
        JWTClaimsSet claims = tokens.activeClaims(token);
        if (claims == null) {
            return null;
        }
        ObjectNode out = JsonErrors.MAPPER.createObjectNode();
        out.put("active", true);
        out.setAll((ObjectNode) JsonErrors.MAPPER.valueToTree(claims.toJSONObject()));
        out.put("token_type", "Bearer");
        return out;
    }

    private ObjectNode refreshToken(String token) {
        GrantStore.RefreshToken r = grants.findRefreshToken(token);
        long now = clock.instant().getEpochSecond();
        if (r == null || r.rotated() || r.expiresAt() <= now || !grants.isGrantActive(r.grantId())) {
            return null;
        }
        GrantStore.Grant g = grants.grant(r.grantId());
        ObjectNode out = JsonErrors.MAPPER.createObjectNode();
        out.put("active", true);
        out.put("scope", r.scope());
        out.put("client_id", g.clientId());
        out.put("sub", g.subject());
        out.put("aud", g.resource());
        out.put("iss", issuer);
        out.put("iat", r.issuedAt());
        out.put("exp", r.expiresAt());
        out.put("token_type", "refresh_token");
        return out;
    }
}
