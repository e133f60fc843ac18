package dev.mcpauth.authserver;

import dev.mcpauth.http.JsonErrors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/**
 * An OAuth error response (RFC 6749 §5.2, RFC 7591 §3.2.2): thrown inside an endpoint, rendered once as JSON.
 * {@code error_description} is for the developer of the client: it says what was wrong and what to send instead.
 */
final class OAuthError extends Exception {
    private final int status;
    private final String error;
    private final String wwwAuthenticate;

    OAuthError(int status, String error, String description) {
        this(status, error, description, null);
    }

    private OAuthError(int status, String error, String description, String wwwAuthenticate) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.wwwAuthenticate = wwwAuthenticate;
    }

    static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description);
    }

    static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description);
    }

    static OAuthError invalidScope(String description) {
        return new OAuthError(400, "invalid_scope", description);
    }

    static OAuthError invalidTarget(String description) {
        return new OAuthError(400, "invalid_target", description);
    }

    static OAuthError unauthorizedClient(String description) {
        return new OAuthError(400, "unauthorized_client", description);
    }

    /** An authenticated client asking for something it may not use (RFC 7662 §4: the AS limits who introspects). */
    static OAuthError forbidden(String description) {
        return new OAuthError(403, "unauthorized_client", description);
    }

    /** RFC 6749 §5.2: 401, and a Basic challenge when the client tried HTTP Basic. */
    static OAuthError invalidClient(String description, boolean basicWasUsed) {
        return new OAuthError(401, "invalid_client", description, basicWasUsed ? "Basic realm=\"oauth\", charset=\"UTF-8\"" : null);
    }

    String error() {
        return error;
    }

    int status() {
        return status;
    }

    void send(HttpServerExchange exchange) {
        if (wwwAuthenticate != null) {
            exchange.getResponseHeaders().put(new HttpString("WWW-Authenticate"), wwwAuthenticate);
        }
        JsonErrors.send(exchange, status, error, getMessage());
    }
}
