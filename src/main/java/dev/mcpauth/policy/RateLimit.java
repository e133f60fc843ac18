package dev.mcpauth.policy;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One per-caller limit ({@code policy.rate-limits}): each caller (by subject or by client) may start {@code calls}
 * calls per {@code window} to each tool {@code tools} names (a token bucket: a burst of {@code calls}, refilled evenly
 * over the window), and have at most {@code concurrent} of them running at once. Zero turns either part off.
 *
 * @param name  named in the 429 answer and the audit line
 * @param tools a tool name or a pattern such as {@code fs__*}
 */
public record RateLimit(String name, String tools, Per per, int calls, Duration window, int concurrent) {

    /** Whose calls share a bucket. */
    public enum Per {
        /** One person, whatever client they use: the token's issuer and subject. */
        SUBJECT,
        /** One OAuth client, whoever uses it. */
        CLIENT;

        public static Per parse(String text) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("per must be subject or client, got '" + text + "'");
            }
        }
    }

    public RateLimit {
        if (calls < 0 || concurrent < 0) {
            throw new IllegalArgumentException("rate limit " + name + ": calls and concurrent must not be negative");
        }
        if (calls == 0 && concurrent == 0) {
            throw new IllegalArgumentException("rate limit " + name + " limits nothing: give calls (with a window) or concurrent");
        }
        if (calls > 0 && (window == null || window.isZero() || window.isNegative())) {
            throw new IllegalArgumentException("rate limit " + name + ": calls needs a positive window such as 1m");
        }
    }

    Pattern pattern() {
        return NameRules.globToRegex(tools);
    }

    /** How the limit reads in a message: {@code 60 calls per 1m, 4 at once, per subject}. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (calls > 0) {
            text.append(calls).append(" calls per ").append(window.toString().substring(2).toLowerCase(Locale.ROOT));
        }
        if (concurrent > 0) {
            text.append(text.isEmpty() ? "" : ", ").append(concurrent).append(" at once");
        }
        return text.append(", per ").append(per.name().toLowerCase(Locale.ROOT)).toString();
    }
}
