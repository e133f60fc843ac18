package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.http.HeaderValueEncoding;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code x-mcp-header}: a tool's input schema may name parameters that clients mirror into {@code Mcp-Param-{Name}}
 * headers, so intermediaries can route on them (streamable-http, "Custom Headers from Tool Parameters"). A server
 * that reads the body MUST check each one against the arguments, after Base64-sentinel decoding; a value in the body
 * without its header, a header without its value, or a different value is a HeaderMismatch.
 */
public final class McpParamHeaders {

    private static final ObjectMapper JSON = Json.shared();

    /** One annotated parameter: its header name and the chain of {@code properties} keys that reaches it. */
    public record Param(String header, List<String> path) {
    }

    private McpParamHeaders() {
    }

    /** Every annotated parameter reachable from the schema root through {@code properties} alone. */
    static List<Param> declared(McpSchema.Tool tool) {
        return tool.inputSchema() == null ? List.of() : declared(JSON.<JsonNode>valueToTree(tool.inputSchema()));
    }

    /** The same, from a tool's {@code inputSchema} as a tree (a client mirroring arguments into headers). */
    public static List<Param> declared(JsonNode inputSchema) {
        List<Param> params = new ArrayList<>();
        collect(inputSchema.path("properties"), new ArrayList<>(), params);
        return params;
    }

    private static void collect(JsonNode properties, List<String> prefix, List<Param> out) {
        properties.properties().forEach(entry -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(entry.getKey());
            JsonNode header = entry.getValue().path("x-mcp-header");
            if (header.isTextual() && !header.asText().isEmpty()) {
                out.add(new Param(ModernProtocol.PARAM_HEADER_PREFIX + header.asText(), List.copyOf(path)));
            }
            collect(entry.getValue().path("properties"), path, out);
        });
    }

    /**
     * The first mismatch between the headers and the arguments, described for the client, or empty when all agree.
     *
     * @param headers   request header lookup (case-insensitive), returning null when absent
     * @param arguments the call's {@code params.arguments}
     */
    static Optional<String> mismatch(McpSchema.Tool tool, java.util.function.Function<String, String> headers, JsonNode arguments) {
        for (Param param : declared(tool)) {
            JsonNode value = arguments;
            for (String key : param.path()) {
                value = value.path(key);
            }
            String header = headers.apply(param.header());
            boolean present = !value.isMissingNode() && !value.isNull();
            if (!present && header == null) {
                continue;
            }
            if (header == null) {
                return Optional.of(param.header() + " header is required: argument '" + String.join(".", param.path()) + "' is set in the body");
            }
            if (!present) {
                return Optional.of(param.header() + " header is present but argument '" + String.join(".", param.path()) + "' is not in the body");
            }
            String decoded = HeaderValueEncoding.decode(header);
            if (decoded == null) {
                return Optional.of(param.header() + " header holds invalid characters or bad Base64");
            }
            if (!matches(decoded, value)) {
                return Optional.of(param.header() + " header value does not match argument '" + String.join(".", param.path()) + "'");
            }
        }
        return Optional.empty();
    }

    /** Strings as they are, booleans as true/false, integers compared as numbers (so 42.0 equals 42). */
    private static boolean matches(String header, JsonNode value) {
        if (value.isTextual()) {
            return header.equals(value.asText());
        }
        if (value.isBoolean()) {
            return header.equals(value.asText());
        }
        if (value.isNumber()) {
            try {
                return new BigDecimal(header.strip()).compareTo(value.decimalValue()) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }
}
