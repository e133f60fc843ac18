package dev.mcpauth.token;

import java.util.Collection;
import java.util.Map;

/**
 * What the token cache counts against its memory budget: the estimated bytes one accepted token keeps alive.
 * Estimated from the claims, not the token's length, because an opaque token of 45 characters can carry as many
 * claims (from its introspection response) as a JWT of 2,000. The figures are those of a 64-bit JVM with compressed
 * references, rounded up; the fixed part was calibrated against the heap a cache of 50,000 distinct bench tokens
 * (HS256, seven claims, 309 characters) kept: 702 bytes each, estimated 787 ({@code bench/TokenCacheMemory}).
 */
final class TokenCacheWeight {

    /** The record, its Instants, scope set, audience list, claims map table, key and Caffeine's node and future. */
    private static final int FIXED_BYTES = 360;
    private static final int STRING_BYTES = 40;
    private static final int BOXED_BYTES = 16;
    private static final int REFERENCE_PAIR_BYTES = 16;

    /** The share of the heap the token cache may take by default. */
    static final int DEFAULT_HEAP_SHARE_PERCENT = 40;

    private TokenCacheWeight() {
    }

    /**
     * {@value #DEFAULT_HEAP_SHARE_PERCENT}% of the maximum heap: with the launcher's 256 MiB for HTTP serve (~102 MiB),
     * ~136,000 tokens like the bench's (128 MiB, stdio: ~68,000); another {@code -Xmx} (MCP_AUTH_JAVA_OPTS) holds
     * proportionally more or fewer. Past the budget the least useful entries go (W-TinyLFU) and their tokens are verified again.
     */
    static long defaultBudget() {
        return Runtime.getRuntime().maxMemory() / 100 * DEFAULT_HEAP_SHARE_PERCENT;
    }

    /** Interned claim names and shared values (see {@link AccessTokenClaims}) are counted anyway: a bound, not a census. */
    static int of(AccessToken token) {
        long bytes = FIXED_BYTES;
        for (Map.Entry<String, Object> claim : token.claims().entrySet()) {
            bytes += REFERENCE_PAIR_BYTES + of(claim.getValue());
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static long of(Object value) {
        if (value instanceof String s) {
            return STRING_BYTES + s.length();
        }
        if (value instanceof Map<?, ?> map) {
            long bytes = STRING_BYTES;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                bytes += REFERENCE_PAIR_BYTES + of(entry.getKey()) + of(entry.getValue());
            }
            return bytes;
        }
        if (value instanceof Collection<?> items) {
            long bytes = STRING_BYTES;
            for (Object item : items) {
                bytes += 8 + of(item);
            }
            return bytes;
        }
        return BOXED_BYTES;
    }
}
