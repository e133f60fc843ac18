package dev.mcpauth.token;

/**
 * Turns a bearer token into a verified {@link AccessToken}, or says why not.
 * One implementation per source of truth (shared secret, JWKS, introspection) and decorators (cache).
 * Implementations never return null and never log the token.
 */
@FunctionalInterface
public interface TokenVerifier {

    AccessToken verify(String token) throws TokenRejected;
}
