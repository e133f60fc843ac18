package dev.mcpauth.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Checks the members of a JSON object one after another and keeps the first problem, named by its path from the
 * message ({@code params.clientInfo.name}). Optional members may be absent or null; required ones may not.
 */
final class Shape {

    private final JsonNode object;
    private final String path;
    private String problem;

    private Shape(JsonNode object, String path) {
        this.object = object;
        this.path = path;
    }

    /** The members of {@code object}, which the message calls {@code path}. */
    static Shape of(JsonNode object, String path) {
        return new Shape(object, path);
    }

    /** The first problem found, e.g. {@code params.name must be a string}; null when there is none. */
    String problem() {
        return problem;
    }

    Shape string(String name) {
        return check(name, true, JsonNode::isTextual, "a string");
    }

    Shape nonEmptyString(String name) {
        return check(name, true, n -> n.isTextual() && !n.textValue().isEmpty(), "a non-empty string");
    }

    Shape optionalString(String name) {
        return check(name, false, JsonNode::isTextual, "a string");
    }

    Shape object(String name) {
        return check(name, true, JsonNode::isObject, "an object");
    }

    Shape optionalObject(String name) {
        return check(name, false, JsonNode::isObject, "an object");
    }

    Shape optionalBoolean(String name) {
        return check(name, false, JsonNode::isBoolean, "true or false");
    }

    Shape number(String name) {
        return check(name, true, JsonNode::isNumber, "a number");
    }

    Shape optionalNumber(String name) {
        return check(name, false, JsonNode::isNumber, "a number");
    }

    /** MCP's {@code ProgressToken} and {@code RequestId}: {@code string | number}. */
    Shape optionalStringOrNumber(String name) {
        return check(name, false, n -> n.isTextual() || n.isNumber(), "a string or a number");
    }

    Shape stringOrNumber(String name) {
        return check(name, true, n -> n.isTextual() || n.isNumber(), "a string or a number");
    }

    Shape optionalArrayOfObjects(String name) {
        return check(name, false, n -> n.isArray() && allMatch(n, JsonNode::isObject), "an array of objects");
    }

    /** {@code { [key: string]: string }}, as prompt and completion arguments are. */
    Shape optionalStringMap(String name) {
        return check(name, false, n -> n.isObject() && allMatch(n, JsonNode::isTextual), "an object whose values are strings");
    }

    /** {@code { [key: string]: object }}, as a client's capability extensions are. */
    Shape optionalObjectMap(String name) {
        return check(name, false, n -> n.isObject() && allMatch(n, JsonNode::isObject), "an object whose values are objects");
    }

    Shape optionalStringArray(String name) {
        return check(name, false, n -> n.isArray() && allMatch(n, JsonNode::isTextual), "an array of strings");
    }

    Shape oneOf(String name, List<String> values) {
        return check(name, true, n -> n.isTextual() && values.contains(n.textValue()), "one of " + String.join(", ", values));
    }

    /** Checks a nested object's own members when it is there (its presence was checked before). */
    Shape inside(String name, UnaryOperator<Shape> rules) {
        JsonNode member = object.get(name);
        if (problem == null && member != null && member.isObject()) {
            problem = rules.apply(of(member, path + "." + name)).problem();
        }
        return this;
    }

    /** Checks each object of a nested array when it is there ({@code params.clientInfo.icons[0].src}). */
    Shape insideEach(String name, UnaryOperator<Shape> rules) {
        JsonNode member = object.get(name);
        if (problem == null && member != null && member.isArray()) {
            for (int i = 0; i < member.size() && problem == null; i++) {
                if (member.get(i).isObject()) {
                    problem = rules.apply(of(member.get(i), path + "." + name + "[" + i + "]")).problem();
                }
            }
        }
        return this;
    }

    /** More rules when a member has a given value (a tagged union such as a completion reference's type). */
    Shape when(String name, String value, UnaryOperator<Shape> rules) {
        JsonNode member = object.get(name);
        return problem == null && member != null && value.equals(member.textValue()) ? rules.apply(this) : this;
    }

    private Shape check(String name, boolean required, Predicate<JsonNode> ok, String what) {
        if (problem != null) {
            return this;
        }
        JsonNode member = object.get(name);
        boolean absent = member == null || member.isNull();
        if (absent ? required : !ok.test(member)) {
            problem = path + "." + name + " must be " + what;
        }
        return this;
    }

    private static boolean allMatch(JsonNode container, Predicate<JsonNode> ok) {
        for (JsonNode element : container) {
            if (!ok.test(element)) {
                return false;
            }
        }
        return true;
    }
}
