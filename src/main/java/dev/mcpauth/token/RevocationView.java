package dev.mcpauth.token;

/**
 * What an authorization server in the same process says about tokens it revoked: the one piece of state it shares
 * with the resource side besides tokens and keys (DESIGN.md). Looked up on every request, so an implementation
 * answers from memory, without locks or I/O.
 */
@FunctionalInterface
public interface RevocationView {

    /** True when the token with this {@code jti} was revoked (alone, or with its grant) and must not be accepted. */
    boolean isRevoked(String jti);
}
