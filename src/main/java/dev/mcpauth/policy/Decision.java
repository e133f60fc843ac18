package dev.mcpauth.policy;

import java.time.Duration;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The policy's answer to one {@link PolicyRequest}. A front renders it (HTTP 403 / 429, JSON-RPC -32003 / -32029);
 * the policy never does.
 *
 * @param allowed    whether the call may proceed
 * @param outcome    why: allowed, or which rule refused
 * @param kind       what was asked for
 * @param tool       the name asked about (a tool, prompt or resource policy name)
 * @param required   every scope the rule names (sorted, for stable challenges)
 * @param missing    the required scopes the caller's token neither holds nor implies (empty unless insufficient scope)
 * @param sufficient the narrowest scopes that, added to the token's, would suffice (the scope hint of a challenge)
 * @param message    the condition's own message, or what the rate limit says; null otherwise
 * @param limit      the name of the rate limit that refused, or null
 * @param retryAfter when a call may succeed again (rate limits only), or null
 * @param permit     held while an admitted call runs; {@link #release()} it when the call ends
 */
public record Decision(boolean allowed, Outcome outcome, PolicyRequest.Kind kind, String tool, SortedSet<String> required,
                       SortedSet<String> missing, SortedSet<String> sufficient, String message, String limit, Duration retryAfter,
                       CallPermit permit) {

    /** Which rule decided. */
    public enum Outcome { ALLOWED, INSUFFICIENT_SCOPE, CONDITION_FAILED, RATE_LIMITED }

    public Decision {
        required = new TreeSet<>(required);
        missing = new TreeSet<>(missing);
        sufficient = new TreeSet<>(sufficient);
        permit = permit == null ? CallPermit.NONE : permit;
    }

    /** The scope part of a decision: allowed when the token's scopes, expanded by the hierarchy, cover the rule's. */
    static Decision ofScopes(PolicyRequest.Kind kind, String tool, Set<String> required, Set<String> granted, ScopeHierarchy hierarchy) {
        Set<String> effective = hierarchy.expand(granted);
        TreeSet<String> missing = new TreeSet<>(required);
        missing.removeAll(effective);
        return new Decision(missing.isEmpty(), missing.isEmpty() ? Outcome.ALLOWED : Outcome.INSUFFICIENT_SCOPE, kind, tool,
                new TreeSet<>(required), missing, hierarchy.narrowest(missing), null, null, null, null);
    }

    Decision refused(Outcome outcome, String message, String limit, Duration retryAfter) {
        return new Decision(false, outcome, kind, tool, required, new TreeSet<>(),
                new TreeSet<>(), message, limit, retryAfter, null);
    }

    Decision holding(CallPermit permit) {
        return new Decision(allowed, outcome, kind, tool, required, missing, sufficient, message, limit, retryAfter, permit);
    }

    /** Ends the call this decision admitted: frees its place among the concurrent calls. Idempotent. */
    public void release() {
        permit.release();
    }

    /**
     * The scopes a client should ask for to be allowed (the step-up hint): what it holds plus the narrowest scopes that
     * suffice, so that re-authorizing does not lose scopes it already uses (MCP authorization, scope challenge handling).
     */
    public SortedSet<String> stepUpScopes(Set<String> granted) {
        TreeSet<String> all = new TreeSet<>(granted);
        all.addAll(sufficient);
        return all;
    }

    /**
     * {@link #retryAfter} in whole seconds, rounded up and never 0 ({@code Retry-After}, RFC 9110 section 10.2.3): a
     * client retrying at once would only be refused again. 0 when this decision has no retry time.
     */
    public long retryAfterSeconds() {
        return retryAfter == null ? 0 : seconds(retryAfter);
    }

    static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    /** A short reason for audit lines and error messages. */
    public String reason() {
        return switch (outcome) {
            case ALLOWED -> "scopes satisfied";
            case INSUFFICIENT_SCOPE -> "missing scope " + String.join(" ", missing);
            case CONDITION_FAILED -> "condition failed: " + message;
            case RATE_LIMITED -> "rate limit " + limit + ": " + message;
        };
    }
}
