package dev.mcpauth.mcp;

import dev.mcpauth.token.JwtRules;
import dev.mcpauth.token.SharedSecretVerifier;
import dev.mcpauth.token.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A stdio credential as {@code serve --stdio} builds it (the token re-verified on every call) whose token expired
 * longer ago than the 60 s clock skew: the verifier, and only it, refuses it.
 */
final class ExpiredCredential {

    private static final byte[] SECRET = "stdio-test-secret-that-is-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
    private static final String RESOURCE = "http://127.0.0.1:8001/mcp";

    private ExpiredCredential() {
    }

    static StdioFront.Credential pastExpiryAndSkew() {
        Clock issued = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        String token = TokenMinter.withSecret(SECRET).withClock(issued).token()
                .subject("bob").audience(RESOURCE).scope("tools:read").ttl(Duration.ofMinutes(5)).mint();
        SharedSecretVerifier verifier = new SharedSecretVerifier(SECRET, JwtRules.of(null, RESOURCE));
        return () -> verifier.verify(token);
    }
}
