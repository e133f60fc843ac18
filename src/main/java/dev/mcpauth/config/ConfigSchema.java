package dev.mcpauth.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every key {@code mcp-auth.yaml} may hold and the shape of its value, and every {@code MCP_AUTH_*} variable: one
 * tree, checked before any setting is read, so a misspelt key is an error naming it, where it is and the nearest
 * valid key, never a silently ignored rule. Top-level settings are the commands' options (the CLI supplies their
 * names); the structured sections are {@link FileSections#SECTIONS}.
 */
public final class ConfigSchema {

    /** The shape of a value. */
    public sealed interface Shape permits Value, Values, Mapping, Entries, ListOf, ValuesOrMapping {
    }

    /** One value: text, a number or true/false. */
    public record Value(String what) implements Shape {
    }

    /** One value, or a list of values. */
    public record Values(String what) implements Shape {
    }

    /** A mapping with these keys only. */
    public record Mapping(Map<String, Shape> keys) implements Shape {
        public Mapping {
            keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        }
    }

    /** A mapping whose keys the operator chooses (tool names or patterns), each value of one shape. */
    public record Entries(String keysAre, Shape value) implements Shape {
    }

    /** One value or a list of values (the short form), or a mapping (the long form): {@code commands.<program>}. */
    public record ValuesOrMapping(Values values, Mapping mapping) implements Shape {
    }

    /** A list, each item of one shape. */
    public record ListOf(Shape item) implements Shape {
    }

    /** Checks nothing: for callers that read a file without knowing the commands (tests of the sources alone). */
    public static final ConfigSchema UNCHECKED = new ConfigSchema(null, Set.of());

    private final Mapping root;
    private final Set<String> variables;

    private ConfigSchema(Mapping root, Set<String> variables) {
        this.root = root;
        this.variables = Set.copyOf(variables);
    }

    /**
     * @param fileSettings the settings the config file may name at its top level, each to whether it takes several
     *                     values (a list) — the options of {@code serve} and {@code authserver}
     * @param allSettings  every option of every command: each may come from the environment or {@code .env}
     * @param extraVariables {@code MCP_AUTH_*} variables read directly, not through an option (e.g. MCP_AUTH_TOKEN)
     */
    public static ConfigSchema of(Map<String, Boolean> fileSettings, Set<String> allSettings, Set<String> extraVariables) {
        Map<String, Shape> top = new LinkedHashMap<>();
        fileSettings.forEach((name, multi) -> top.put(name, multi ? new Values("a value or a list of values") : new Value("one value")));
        top.putAll(FileSections.SECTIONS);
        Set<String> variables = new TreeSet<>(extraVariables);
        allSettings.forEach(s -> variables.add(ConfigSources.envName(s)));
        fileSettings.keySet().forEach(s -> variables.add(ConfigSources.envName(s)));
        return new ConfigSchema(new Mapping(top), variables);
    }

    boolean checked() {
        return root != null;
    }

    /** Every {@code MCP_AUTH_*} name the gateway reads. */
    public Set<String> variables() {
        return variables;
    }

    /**
     * Checks a parsed config file; {@code where} turns a JSON pointer into "file:line:column" for the message.
     *
     * @throws ConfigException naming the first key or value that does not fit
     */
    void check(JsonNode tree, Function<JsonPointer, String> where) {
        if (root != null) {
            check(root, tree, JsonPointer.empty(), "", where);
        }
    }

    private static void check(Shape shape, JsonNode node, JsonPointer at, String path, Function<JsonPointer, String> where) {
        if (node == null || node.isNull()) {
            return;
        }
        switch (shape) {
            case Value v -> {
                if (!node.isValueNode()) {
                    throw wrong(where, at, path, "must be " + v.what() + " (text, a number or true/false), not " + kind(node));
                }
            }
            case Values v -> {
                if (node.isObject() || node.isArray() && !allValues(node)) {
                    throw wrong(where, at, path, "must be " + v.what() + ", not " + kind(node));
                }
            }
            case Mapping m -> {
                if (!node.isObject()) {
                    throw wrong(where, at, path, "must be a mapping of " + String.join(", ", new TreeSet<>(m.keys().keySet())) + ", not " + kind(node));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonPointer child = at.appendProperty(field.getKey());
                    Shape expected = m.keys().get(field.getKey());
                    if (expected == null) {
                        throw new ConfigException(where.apply(child) + ": unknown key '" + field.getKey() + "'"
                                + (path.isEmpty() ? " at the top level" : " in " + path)
                                + Suggestions.didYouMean(field.getKey(), m.keys().keySet())
                                + (path.isEmpty() ? " (settings are the long options of 'mcp-auth serve', without the dashes)"
                                        : " (" + path + " takes: " + String.join(", ", new TreeSet<>(m.keys().keySet())) + ")"));
                    }
                    check(expected, field.getValue(), child, join(path, field.getKey()), where);
                }
            }
            case Entries e -> {
                if (!node.isObject()) {
                    throw wrong(where, at, path, "must map " + e.keysAre() + " to values, not be " + kind(node));
                }
                node.fields().forEachRemaining(f ->
                        check(e.value(), f.getValue(), at.appendProperty(f.getKey()), join(path, f.getKey()), where));
            }
            case ValuesOrMapping vm -> check(node.isObject() ? vm.mapping() : vm.values(), node, at, path, where);
            case ListOf l -> {
                if (!node.isArray()) {
                    throw wrong(where, at, path, "must be a list, not " + kind(node));
                }
                for (int i = 0; i < node.size(); i++) {
                    check(l.item(), node.get(i), at.appendIndex(i), path + "[" + i + "]", where);
                }
            }
        }
    }

    private static boolean allValues(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isValueNode()) {
                return false;
            }
        }
        return true;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static ConfigException wrong(Function<JsonPointer, String> where, JsonPointer at, String path, String problem) {
        return new ConfigException(where.apply(at) + ": '" + path + "' " + problem);
    }

    private static String kind(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return node.size() > 0 && !allValues(node) ? "a list of mappings or lists" : "a list";
        }
        return "'" + node.asText() + "'";
    }
}
