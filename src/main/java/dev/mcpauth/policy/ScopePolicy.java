package dev.mcpauth.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which scopes each tool needs. Rules map a tool name, or a glob pattern ({@code *} any run of characters,
 * {@code ?} one character), to the set of scopes a token must hold, all of them. An exact name wins over a
 * pattern; among patterns the longest literal prefix wins (so {@code fs__write_*} beats {@code fs__*}).
 * A tool that no rule names needs {@link #defaultScopes()} (empty: any valid token).
 */
public final class ScopePolicy {

    private final NameRules<Set<String>> rules;
    private final Set<String> defaultScopes;

    private ScopePolicy(Map<String, Set<String>> rules, Set<String> defaultScopes) {
        Map<String, Set<String>> sorted = new LinkedHashMap<>();
        rules.forEach((name, scopes) -> sorted.put(name, Set.copyOf(new TreeSet<>(scopes))));
        this.rules = new NameRules<>(sorted);
        this.defaultScopes = Set.copyOf(defaultScopes);
    }

    /** A policy from rules (tool name or pattern to scopes) and the scopes for tools no rule names. */
    public static ScopePolicy of(Map<String, ? extends Set<String>> rules, Set<String> defaultScopes) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        rules.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        return new ScopePolicy(copy, defaultScopes);
    }

    /** This policy with {@code overrides} taking precedence over rules for the same name or pattern. */
    public ScopePolicy with(Map<String, ? extends Set<String>> overrides) {
        Map<String, Set<String>> merged = new LinkedHashMap<>(rules());
        overrides.forEach((k, v) -> merged.put(k, Set.copyOf(v)));
        return new ScopePolicy(merged, defaultScopes);
    }

    public ScopePolicy withDefaultScopes(Set<String> scopes) {
        return new ScopePolicy(rules(), scopes);
    }

    /** Every rule, exact names first, as configured. */
    public Map<String, Set<String>> rules() {
        return rules.all();
    }

    public Set<String> defaultScopes() {
        return defaultScopes;
    }

    /** The scopes a token needs to call {@code tool}, as the rules name them (before any scope hierarchy). */
    public Set<String> requiredScopes(String tool) {
        return rules.find(tool).orElse(defaultScopes);
    }

    /** Flat scopes only: every required scope literally held. {@link Policy#decide} applies the hierarchy too. */
    public Decision decide(String tool, Set<String> grantedScopes) {
        return Decision.ofScopes(PolicyRequest.Kind.TOOL, tool, requiredScopes(tool), grantedScopes, ScopeHierarchy.NONE);
    }

    public boolean permits(String tool, Set<String> grantedScopes) {
        return grantedScopes.containsAll(requiredScopes(tool));
    }
}
