package dev.mcpauth.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the JSON Schemas of tool inputs and outputs (MCP tools: inputSchema, outputSchema). */
final class Schemas {

    private Schemas() {
    }

    /** An object schema with the given properties, the listed ones required, and nothing else allowed. */
    static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }

    /** An object schema that names its properties but tolerates more (for outputs that may grow). */
    static Map<String, Object> openObject(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>(object(properties, required));
        schema.remove("additionalProperties");
        return schema;
    }

    static Map<String, Object> noArguments() {
        return object(Map.of(), List.of());
    }

    static Map<String, Object> type(String type, String description) {
        return Map.of("type", type, "description", description);
    }

    static Map<String, Object> nullable(String type, String description) {
        return Map.of("type", List.of(type, "null"), "description", description);
    }

    static Map<String, Object> arrayOf(Map<String, Object> items, String description) {
        return Map.of("type", "array", "items", items, "description", description);
    }

    static Map<String, Object> stringArray(String description) {
        return arrayOf(Map.of("type", "string"), description);
    }

    /** Properties in declaration order, so schemas read as written. */
    static Map<String, Object> props(Object... nameThenSchema) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSchema.length; i += 2) {
            props.put((String) nameThenSchema[i], nameThenSchema[i + 1]);
        }
        return props;
    }
}
