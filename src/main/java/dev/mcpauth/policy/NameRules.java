package dev.mcpauth.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Values keyed by a tool name, or a glob pattern ({@code *} any run of characters, {@code ?} one character): an exact
 * name wins over a pattern; among patterns the longest literal prefix wins (so {@code fs__write_*} beats
 * {@code fs__*}). The one matching rule shared by scopes, conditions and rate limits.
 */
final class NameRules<T> {

    private record Rule<T>(String pattern, Pattern regex, T value, int specificity) {
    }

    private final Map<String, T> exact = new LinkedHashMap<>();
    private final List<Rule<T>> patterns = new ArrayList<>();

    NameRules(Map<String, ? extends T> rules) {
        rules.forEach((name, value) -> {
            if (isPattern(name)) {
                patterns.add(new Rule<>(name, globToRegex(name), value, literalPrefixLength(name)));
            } else {
                exact.put(name, value);
            }
        });
        patterns.sort(Comparator.comparingInt((Rule<T> r) -> r.specificity()).reversed());
    }

    /** The value of the rule that names {@code name} most specifically. */
    Optional<T> find(String name) {
        T value = exact.get(name);
        if (value != null) {
            return Optional.of(value);
        }
        for (Rule<T> rule : patterns) {
            if (rule.regex().matcher(name).matches()) {
                return Optional.of(rule.value());
            }
        }
        return Optional.empty();
    }

    /** Every rule, exact names first, then patterns from the most specific. */
    Map<String, T> all() {
        Map<String, T> all = new LinkedHashMap<>(exact);
        patterns.forEach(r -> all.put(r.pattern(), r.value()));
        return all;
    }

    boolean isEmpty() {
        return exact.isEmpty() && patterns.isEmpty();
    }

    static boolean isPattern(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
    }

    private static int literalPrefixLength(String glob) {
        int i = 0;
        while (i < glob.length() && glob.charAt(i) != '*' && glob.charAt(i) != '?') {
            i++;
        }
        return i;
    }

    static Pattern globToRegex(String glob) {
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
