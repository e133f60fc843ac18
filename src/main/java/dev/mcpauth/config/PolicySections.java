package dev.mcpauth.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.policy.Condition;
import dev.mcpauth.policy.RateLimit;
import dev.mcpauth.policy.ScopeHierarchy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of {@code policy} beyond flat scopes, read and checked when the configuration loads, so that a cycle in
 * {@code implies}, a CEL expression that does not compile or a limit that limits nothing stops {@code serve} (and
 * fails {@code doctor}) with the key that holds it.
 */
final class PolicySections {

    private PolicySections() {
    }

    /** {@code node} (file) merged with {@code more} (flags, which win per broader scope), checked for cycles. */
    static ScopeHierarchy implies(String where, JsonNode node, Map<String, Set<String>> more) {
        Map<String, Set<String>> implies = new LinkedHashMap<>();
        if (node != null && !node.isNull()) {
            if (!node.isObject()) {
                throw new ConfigException(where + " must map a broader scope to the narrower scopes it implies");
            }
            node.properties().forEach(e -> implies.put(e.getKey(), FileSections.scopes(where + "." + e.getKey(), e.getValue())));
        }
        implies.putAll(more);
        try {
            return ScopeHierarchy.of(implies);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    static Map<String, Condition> conditions(String where, JsonNode tools) {
        Map<String, Condition> conditions = new LinkedHashMap<>();
        if (tools == null || !tools.isObject()) {
            return conditions;
        }
        tools.properties().forEach(e -> {
            JsonNode rule = e.getValue();
            if (rule == null || !rule.isObject() || !rule.hasNonNull("when")) {
                if (rule != null && rule.isObject() && rule.hasNonNull("message")) {
                    throw new ConfigException(where + "." + e.getKey() + ".message needs a when condition to explain");
                }
                return;
            }
            try {
                conditions.put(e.getKey(), Condition.compile(rule.get("when").asText(), rule.path("message").asText(null)));
            } catch (IllegalArgumentException bad) {
                throw new ConfigException(where + "." + e.getKey() + ".when: " + bad.getMessage());
            }
        });
        return conditions;
    }

    static List<RateLimit> rateLimits(String where, JsonNode node) {
        List<RateLimit> limits = new ArrayList<>();
        if (node == null || node.isNull()) {
            return limits;
        }
        if (!node.isArray()) {
            throw new ConfigException(where + " must be a list of {tools, per, calls, window, concurrent}");
        }
        for (JsonNode l : node) {
            String at = where + "[" + limits.size() + "]";
            try {
                Duration window = l.hasNonNull("window") ? Durations.parse(at + ".window", l.get("window").asText()) : null;
                limits.add(new RateLimit(l.path("name").asText(at), l.path("tools").asText("*"),
                        RateLimit.Per.parse(l.path("per").asText("subject")), count(at + ".calls", l.get("calls")), window,
                        count(at + ".concurrent", l.get("concurrent"))));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at + ": " + e.getMessage());
            }
        }
        return limits;
    }

    private static int count(String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (node.isTextual() && node.asText().matches("\\d{1,9}")) {
            return Integer.parseInt(node.asText());
        }
        throw new ConfigException(where + " must be a whole number, got '" + node.asText() + "'");
    }
}
