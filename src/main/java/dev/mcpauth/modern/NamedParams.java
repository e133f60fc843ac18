package dev.mcpauth.modern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.json.Json;
import java.util.Map;

/** The {@code params.name} and {@code params.arguments} of {@code tools/call} and {@code prompts/get}, checked alike. */
final class NamedParams {

    private static final ObjectMapper JSON = Json.shared();
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {
    };

    private NamedParams() {
    }

    /**
     * The 400 reply for params without a non-empty {@code name} or with {@code arguments} that are not an object;
     * null when both are fine.
     *
     * @param method   the request's method, for the message
     * @param nameIs   what the name names, e.g. "the tool's name"
     */
    static ModernReply invalid(JsonNode id, JsonNode params, String method, String nameIs) {
        JsonNode name = params.path("name");
        if (!name.isTextual() || name.asText().isEmpty()) {
            return ModernReply.error(400, id, ModernProtocol.INVALID_PARAMS, "Invalid params: " + method + " needs params.name, " + nameIs, null);
        }
        JsonNode arguments = params.path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isObject()) {
            return ModernReply.error(400, id, ModernProtocol.INVALID_PARAMS, "Invalid params: params.arguments must be an object", null);
        }
        return null;
    }

    static String name(JsonNode params) {
        return params.path("name").asText();
    }

    /** The arguments of params that passed {@link #invalid}: empty when absent or null. */
    static Map<String, Object> arguments(JsonNode params) {
        JsonNode arguments = params.path("arguments");
        return arguments.isObject() ? JSON.convertValue(arguments, ARGUMENTS) : Map.of();
    }

    /** The request's {@code _meta} (trace context, progress token), or null when absent. */
    static Map<String, Object> meta(JsonNode params) {
        JsonNode meta = params.path("_meta");
        return meta.isObject() ? JSON.convertValue(meta, ARGUMENTS) : null;
    }
}
