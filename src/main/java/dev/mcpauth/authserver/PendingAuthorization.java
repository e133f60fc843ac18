package dev.mcpauth.authserver;

/**
 * An authorization request waiting on the consent page. The CSRF token is bound to this one request and to
 * the browser that received the page (double-submitted in a SameSite=Strict cookie).
 */
record PendingAuthorization(String id, String csrfToken, AuthorizationRequest request, long expiresAt, int failedSignIns) {

    PendingAuthorization withFailedSignIn() {
        return new PendingAuthorization(id, csrfToken, request, expiresAt, failedSignIns + 1);
    }
}
