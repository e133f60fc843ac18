package dev.mcpauth.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which scopes each tool needs. Rules map a tool name, or a glob pattern ({@code *} any run of characters,
 * {@code ?} one character), to the set of scopes a token must hold, all of them. An exact name wins over a
 * pattern; among patterns the longest literal prefix wins (so {@code fs__write_*} beats {@code fs__*}).
 * A tool that no rule names needs {@link #defaultScopes()} (empty: any valid token).
 */
public final class ScopePolicy {

    private record Rule(String pattern, Pattern regex, Set<String> scopes, int specificity) {
    }

    private final Map<String, Set<String>> exact;
    private final List<Rule> patterns;
    private final Set<String> defaultScopes;

    private ScopePolicy(Map<String, Set<String>> rules, Set<String> defaultScopes) {
        this.exact = new LinkedHashMap<>();
        this.patterns = new ArrayList<>();
        rules.forEach((name, scopes) -> {
            Set<String> copy = Set.copyOf(new TreeSet<>(scopes));
            if (isPattern(name)) {
                patterns.add(new Rule(name, globToRegex(name), copy, literalPrefixLength(name)));
            } else {
                exact.put(name, copy);
            }
        });
        patterns.sort(Comparator.comparingInt(Rule::specificity).reversed());
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
        Map<String, Set<String>> all = new LinkedHashMap<>(exact);
        patterns.forEach(r -> all.put(r.pattern(), r.scopes()));
        return all;
    }

    public Set<String> defaultScopes() {
        return defaultScopes;
    }

    /** The scopes a token needs to call {@code tool}. */
    public Set<String> requiredScopes(String tool) {
        Set<String> scopes = exact.get(tool);
        if (scopes != null) {
            return scopes;
        }
        for (Rule rule : patterns) {
            if (rule.regex().matcher(tool).matches()) {
                return rule.scopes();
            }
        }
        return defaultScopes;
    }

    public Decision decide(String tool, Set<String> grantedScopes) {
        return Decision.of(tool, requiredScopes(tool), grantedScopes);
    }

    public boolean permits(String tool, Set<String> grantedScopes) {
        return grantedScopes.containsAll(requiredScopes(tool));
    }

    private static boolean isPattern(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
    }

    private static int literalPrefixLength(String glob) {
        int i = 0;
        while (i < glob.length() && glob.charAt(i) != '*' && glob.charAt(i) != '?') {
            i++;
        }
        return i;
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString());
    }
}
