package dev.mcpauth.policy;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The outcome of asking the {@link ScopePolicy} whether a caller may use a tool.
 *
 * @param allowed  whether the call may proceed
 * @param tool     the tool asked about
 * @param required every scope the tool needs (sorted, for stable challenges)
 * @param missing  the required scopes the caller's token lacks (empty when allowed)
 */
public record Decision(boolean allowed, String tool, SortedSet<String> required, SortedSet<String> missing) {

    public Decision {
        required = new TreeSet<>(required);
        missing = new TreeSet<>(missing);
    }

    static Decision of(String tool, Set<String> required, Set<String> granted) {
        TreeSet<String> missing = new TreeSet<>(required);
        missing.removeAll(granted);
        return new Decision(missing.isEmpty(), tool, new TreeSet<>(required), missing);
    }

    /**
     * The scopes a client should ask for to be allowed (the step-up hint): what it holds plus what is missing,
     * so that re-authorizing does not lose scopes it already uses (MCP authorization, scope challenge handling).
     */
    public SortedSet<String> stepUpScopes(Set<String> granted) {
        TreeSet<String> all = new TreeSet<>(granted);
        all.addAll(required);
        return all;
    }

    /** A short reason for audit lines and error messages. */
    public String reason() {
        return allowed ? "scopes satisfied" : "missing scope " + String.join(" ", missing);
    }
}
