package dev.mcpauth.token;

/**
 * A verifier that can tell, without verifying anything, that a token was already accepted and is still good: lets
 * the HTTP edge keep serving clients it knows while it refuses to spend work on new tokens (failure throttling).
 */
public interface KnownValidTokens {

    /** True when {@code token} is remembered as accepted and neither its {@code exp} nor any cache bound has passed. */
    boolean isKnownValid(String token);
}
