package dev.mcpauth.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;
import java.util.Map;

/**
 * What a caller asks to use: a tool, prompt or resource by the name the policy knows it by, with the call's
 * arguments. A request that {@code counts} is charged against the rate limits; a re-check of a request the edge has
 * already admitted, and a question from a list, do not. {@code arguments} null means "not known" (a list asks before
 * any call): only conditions on claims alone are evaluated then.
 *
 * @param name      the tool or prompt name, or a resource's policy name
 * @param arguments a JSON object (tool or prompt arguments; {@code {"uri": ...}} for a resource), or null
 */
public record PolicyRequest(Kind kind, String name, JsonNode arguments, boolean counts) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What is used; the lower-case name is what challenges and audit lines call it. */
    public enum Kind {
        TOOL, PROMPT, RESOURCE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code "tool"}, {@code "prompt"} or {@code "resource"}. */
        public static Kind of(String word) {
            return valueOf(word.toUpperCase(Locale.ROOT));
        }
    }

    public static PolicyRequest tool(String name, JsonNode arguments) {
        return new PolicyRequest(Kind.TOOL, name, objectOrEmpty(arguments), true);
    }

    public static PolicyRequest tool(String name, Map<String, Object> arguments) {
        return tool(name, arguments == null ? (JsonNode) null : JSON.<JsonNode>valueToTree(arguments));
    }

    public static PolicyRequest prompt(String name, JsonNode arguments) {
        return new PolicyRequest(Kind.PROMPT, name, objectOrEmpty(arguments), true);
    }

    /** A resource read: its policy name, and its URI as the one argument a condition may look at. */
    public static PolicyRequest resource(String policyName, String uri) {
        return new PolicyRequest(Kind.RESOURCE, policyName, JsonNodeFactory.instance.objectNode().put("uri", uri), true);
    }

    /** A call of {@code kind} with its arguments ({@code Map} or {@code JsonNode}). */
    public static PolicyRequest of(Kind kind, String name, Object arguments) {
        JsonNode args = arguments instanceof JsonNode node ? node : arguments == null ? null : JSON.valueToTree(arguments);
        return new PolicyRequest(kind, name, objectOrEmpty(args), true);
    }

    /** Whether a list may show {@code name}: arguments unknown, nothing charged. */
    public static PolicyRequest listing(Kind kind, String name) {
        return new PolicyRequest(kind, name, null, false);
    }

    /** The same request, checked again without being charged (the edge already admitted and charged it). */
    public PolicyRequest recheck() {
        return new PolicyRequest(kind, name, arguments, false);
    }

    private static JsonNode objectOrEmpty(JsonNode arguments) {
        return arguments == null || arguments.isNull() || arguments.isMissingNode() ? JsonNodeFactory.instance.objectNode() : arguments;
    }
}
