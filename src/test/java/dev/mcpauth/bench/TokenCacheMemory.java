package dev.mcpauth.bench;

import dev.mcpauth.token.CachingVerifier;
import dev.mcpauth.token.JwtRules;
import dev.mcpauth.token.SharedSecretVerifier;
import dev.mcpauth.token.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap one cached token takes, against the cache's estimate ({@code TokenCacheWeight}): fills an unbounded cache
 * with N distinct bench-shaped HS256 tokens and prints the heap growth per entry.
 * Usage: {@code TokenCacheMemory N} (run with a heap large enough for N, e.g. -Xmx1g for 100,000).
 */
public final class TokenCacheMemory {

    private TokenCacheMemory() {
    }

    public static void main(String[] args) throws Exception {
        byte[] secret = "bench-secret-that-is-32-bytes-long!!".getBytes(StandardCharsets.UTF_8);
        String resource = "http://127.0.0.1:18401/mcp";
        TokenMinter minter = TokenMinter.withSecret(secret);
        int n = Integer.parseInt(args[0]);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tokens.add(minter.token().subject("user-" + i).clientId("bench-client").audience(resource)
                    .scope("math:calculate").ttl(Duration.ofHours(2)).mint());
        }
        CachingVerifier cache = new CachingVerifier(new SharedSecretVerifier(secret, JwtRules.of(null, resource)),
                Duration.ofHours(1), Duration.ZERO, Long.MAX_VALUE / 4, 10, Clock.systemUTC());
        cache.verify(tokens.get(0));
        long before = usedHeap();
        for (String token : tokens) {
            cache.verify(token);
        }
        long after = usedHeap();
        System.out.printf("%d tokens of %d chars: %d bytes of heap each, estimated %d%n", cache.size(),
                tokens.get(0).length(), (after - before) / n, cache.weight() / n);
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
