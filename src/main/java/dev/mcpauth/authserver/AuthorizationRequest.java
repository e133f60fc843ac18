package dev.mcpauth.authserver;

import java.util.Set;

/**
 * A validated authorization request (RFC 6749 §4.1.1 with RFC 7636 and RFC 8707).
 *
 * @param redirectUri          where the response goes (the requested one, or the single registered one)
 * @param requestedRedirectUri the redirect_uri parameter as sent, or null if omitted (checked again at the token endpoint)
 */
record AuthorizationRequest(RegisteredClient client, String redirectUri, String requestedRedirectUri, Set<String> scopes,
                            String resource, String state, String codeChallenge) {
}
