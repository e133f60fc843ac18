package dev.mcpauth.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which scopes imply which (MCP 2026-07-28, authorization: "Servers MUST account for scope hierarchies, where a
 * broader scope implies narrower ones"): {@code admin: [files:write]} and {@code files:write: [files:read]} let a token
 * holding {@code admin} call a tool that needs {@code files:read}. Implication is transitive; a cycle is refused when
 * the hierarchy is built, naming the cycle, because it would make two scopes one and hide a configuration mistake.
 */
public final class ScopeHierarchy {

    /** No scope implies another: flat scopes. */
    public static final ScopeHierarchy NONE = new ScopeHierarchy(Map.of());

    private final Map<String, Set<String>> implies;
    /** Every scope each scope implies, directly or not (not itself). */
    private final Map<String, Set<String>> closure;

    private ScopeHierarchy(Map<String, Set<String>> implies) {
        this.implies = implies;
        Map<String, Set<String>> closure = new LinkedHashMap<>();
        implies.keySet().forEach(scope -> closure.put(scope, Set.copyOf(reachable(scope))));
        this.closure = Map.copyOf(closure);
    }

    /**
     * A hierarchy from {@code broader → narrower scopes it implies}.
     *
     * @throws IllegalArgumentException naming the cycle, e.g. {@code a → b → a}
     */
    public static ScopeHierarchy of(Map<String, ? extends Collection<String>> implies) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        implies.forEach((broader, narrower) -> copy.put(broader, java.util.Collections.unmodifiableSet(new LinkedHashSet<>(narrower))));
        List<String> cycle = findCycle(copy);
        if (cycle != null) {
            throw new IllegalArgumentException("scope implications form a cycle: " + String.join(" → ", cycle)
                    + "; a broader scope may imply narrower ones, never itself");
        }
        // Kept in configuration order, so that doctor and scopes show the implications as the operator wrote them.
        return copy.isEmpty() ? NONE : new ScopeHierarchy(java.util.Collections.unmodifiableMap(copy));
    }

    /** The configured implications, as given. */
    public Map<String, Set<String>> implies() {
        return implies;
    }

    public boolean isEmpty() {
        return implies.isEmpty();
    }

    /** {@code granted} and every scope they imply: what a token holding {@code granted} may do. */
    public Set<String> expand(Set<String> granted) {
        if (closure.isEmpty()) {
            return granted;
        }
        Set<String> all = new LinkedHashSet<>(granted);
        for (String scope : granted) {
            all.addAll(closure.getOrDefault(scope, Set.of()));
        }
        return all;
    }

    /** Whether holding {@code broader} grants {@code narrower} (a scope grants itself). */
    public boolean grants(String broader, String narrower) {
        return broader.equals(narrower) || closure.getOrDefault(broader, Set.of()).contains(narrower);
    }

    /**
     * The narrowest scopes that together grant all of {@code scopes}: those that no other of them implies (asking for
     * {@code files:write} already brings {@code files:read}).
     */
    public SortedSet<String> narrowest(Collection<String> scopes) {
        SortedSet<String> kept = new TreeSet<>(scopes);
        for (String scope : scopes) {
            for (String other : scopes) {
                if (!other.equals(scope) && grants(other, scope)) {
                    kept.remove(scope);
                    break;
                }
            }
        }
        return kept;
    }

    private Set<String> reachable(String scope) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(implies.getOrDefault(scope, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(implies.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    /** A path that comes back to its start (first and last element equal), or null: depth-first, three colours. */
    private static List<String> findCycle(Map<String, Set<String>> graph) {
        Set<String> done = new LinkedHashSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> cycle = visit(start, graph, new ArrayList<>(), done);
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static List<String> visit(String scope, Map<String, Set<String>> graph, List<String> path, Set<String> done) {
        int at = path.indexOf(scope);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(scope);
            return cycle;
        }
        if (done.contains(scope)) {
            return null;
        }
        path.add(scope);
        for (String next : new TreeSet<>(graph.getOrDefault(scope, Set.of()))) {
            List<String> cycle = visit(next, graph, path, done);
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(scope);
        return null;
    }
}
