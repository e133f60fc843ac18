package dev.mcpauth.token;

/**
 * Turns a bearer token into a verified {@link AccessToken}, or says why not.
 * One implementation per source of truth (shared secret, JWKS, introspection) and decorators (cache).
 * Implementations never return null and never log the token.
 */
@FunctionalInterface
public interface TokenVerifier extends AutoCloseable {

    AccessToken verify(String token) throws TokenRejected;

    /**
     * Stops what the verifier runs by itself (a JWKS refresh on a schedule): a stopped gateway must not go on fetching
     * keys. Decorators close what they wrap; most verifiers run nothing.
     */
    @Override
    default void close() {
    }
}
