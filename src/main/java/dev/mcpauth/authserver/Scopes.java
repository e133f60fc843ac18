package dev.mcpauth.authserver;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** RFC 6749 §3.3: a scope is a space-delimited, case-sensitive list of scope tokens. */
final class Scopes {
    private Scopes() {
    }

    static Set<String> parse(String scope) {
        if (scope == null || scope.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(scope.trim().split(" +")).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static String format(Collection<String> scopes) {
        return String.join(" ", scopes);
    }

    /** The scopes of {@code requested} that are not in {@code allowed}, in request order. */
    static Set<String> outside(Set<String> requested, Set<String> allowed) {
        Set<String> missing = new LinkedHashSet<>(requested);
        missing.removeAll(allowed);
        return missing;
    }

    static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.retainAll(b);
        return out;
    }
}
