package dev.mcpauth.authserver;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3, OAuth 2.1 §2.4):
 * {@code none} (public client, client_id in the body), {@code client_secret_basic}, {@code client_secret_post}.
 * The method used must be the one registered; secrets are compared in constant time.
 */
final class ClientAuthenticator {
    private final ClientStore clients;

    ClientAuthenticator(ClientStore clients) {
        this.clients = clients;
    }

    /** The authenticated client, or an invalid_client / invalid_request error. */
    RegisteredClient authenticate(HttpServerExchange exchange, Map<String, String> form) throws OAuthError {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (basic) {
            if (form.containsKey("client_secret")) {
                // RFC 6749 §2.3: a client must not use more than one authentication method per request.
                throw OAuthError.invalidRequest("send the client secret either in the Authorization header or in the body, not both");
            }
            return basicAuth(authorization.substring(6).trim(), form.get("client_id"));
        }
        String clientId = form.get("client_id");
        if (clientId == null) {
            throw OAuthError.invalidClient("client authentication is required: send client_id (public clients) or HTTP Basic credentials", false);
        }
        RegisteredClient client = clients.lookup(clientId);
        if (client == null) {
            throw OAuthError.invalidClient("unknown client_id; register the client first (RFC 7591)", false);
        }
        String secret = form.get("client_secret");
        if (secret == null) {
            if (!client.isPublic()) {
                throw OAuthError.invalidClient("this client is confidential: authenticate with " + client.tokenEndpointAuthMethod(), false);
            }
            return client;
        }
        requireMethod(client, RegisteredClient.CLIENT_SECRET_POST, false);
        return checkSecret(client, secret, false);
    }

    private RegisteredClient basicAuth(String encoded, String bodyClientId) throws OAuthError {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidClient("the Basic credentials are not valid base64", true);
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw OAuthError.invalidClient("the Basic credentials must be client_id:client_secret", true);
        }
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are base64-encoded.
        String clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
        String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        if (bodyClientId != null && !bodyClientId.equals(clientId)) {
            throw OAuthError.invalidRequest("client_id in the body differs from the one in the Authorization header");
        }
        RegisteredClient client = clients.lookup(clientId);
        if (client == null) {
            throw OAuthError.invalidClient("unknown client_id or wrong client secret", true);
        }
        requireMethod(client, RegisteredClient.CLIENT_SECRET_BASIC, true);
        return checkSecret(client, secret, true);
    }

    private void requireMethod(RegisteredClient client, String used, boolean basic) throws OAuthError {
        if (client.isPublic()) {
            throw OAuthError.invalidClient("this is a public client (token_endpoint_auth_method none): send client_id only, without a secret", basic);
        }
        boolean preconfigured = clients.isOperatorConfigured(client.clientId());
        if (!preconfigured && !client.tokenEndpointAuthMethod().equals(used)) {
            throw OAuthError.invalidClient("this client registered token_endpoint_auth_method "
                    + client.tokenEndpointAuthMethod() + " but used " + used.toLowerCase(Locale.ROOT), basic);
        }
    }

    private static RegisteredClient checkSecret(RegisteredClient client, String secret, boolean basic) throws OAuthError {
        if (!Secrets.matchesHash(secret, client.clientSecretHash())) {
            throw OAuthError.invalidClient("unknown client_id or wrong client secret", basic);
        }
        return client;
    }
}
