package dev.mcpauth.authserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpServerExchange;

/** A successful token response (RFC 6749 §5.1): JSON, never cached. */
final class TokenResponse {
    private TokenResponse() {
    }

    static void send(HttpServerExchange exchange, AccessTokens.Issued access, String refreshToken, String scope, String issuedTokenType) {
        ObjectNode body = JsonErrors.MAPPER.createObjectNode();
        body.put("access_token", access.token());
        if (issuedTokenType != null) {
            // RFC 8693 §2.2.1: a token-exchange response names the type of the issued token.
            body.put("issued_token_type", issuedTokenType);
        }
        body.put("token_type", "Bearer");
        body.put("expires_in", access.expiresIn());
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        body.put("scope", scope);
        // JsonErrors.sendJson adds Cache-Control: no-store (RFC 6749 §5.1).
        JsonErrors.sendJson(exchange, 200, body);
    }
}
