package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON Schema checks of tool arguments ({@code inputSchema}) and structured results ({@code outputSchema}), with each
 * schema compiled once. The SDK's own validator re-serialises the schema to a string on every call to find its cache
 * entry and converts the tool's input schema to a fresh map first, which cost more than the tool call itself; the
 * schemas here are the very objects the catalog holds, so the cache is keyed by identity. A schema object that is no
 * longer in the catalog (an upstream re-published its tools) simply stops being asked for; the cache is bounded and
 * starts over when full. Draft 2020-12 (the MCP default) unless a schema names another dialect with {@code $schema}.
 */
public final class ToolSchemas implements JsonSchemaValidator {

    private static final int MAX_CACHED = 4096;
    private static final Logger log = LoggerFactory.getLogger(ToolSchemas.class);
    /** The result {@link #checkResult} passed last on this thread (see {@link #validate}). */
    private static final ThreadLocal<Checked> CHECKED = new ThreadLocal<>();

    private final ObjectMapper json = Json.shared();

    /** Empty for a schema that cannot be compiled: its tool is served unchecked (the upstream checks its own input). */
    private final Map<Object, Optional<Schema>> compiled = new ConcurrentHashMap<>();
    private volatile SchemaRegistry registry;

    /** Identity of a schema object: records and maps compare by content, which is exactly the cost avoided. */
    private record Identity(Object schema) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity i && i.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }

    /**
     * Checks {@code arguments} against the tool's input schema; null when they conform (or the tool declares none),
     * else a one-line description of what is wrong, naming the offending paths.
     */
    public String checkArguments(McpSchema.Tool tool, Map<String, Object> arguments) {
        return tool.inputSchema() == null ? null
                : checkArgumentTree(tool, json.valueToTree(arguments == null ? Map.of() : arguments));
    }

    /** As {@link #checkArguments(McpSchema.Tool, Map)}, on the arguments as the JSON object they arrived in. */
    public String checkArgumentTree(McpSchema.Tool tool, JsonNode arguments) {
        if (tool.inputSchema() == null) {
            return null;
        }
        Optional<Schema> schema = schemaOf(tool.inputSchema(), tool.name());
        if (schema.isEmpty()) {
            return null;
        }
        List<Error> errors = schema.get().validate(arguments);
        return errors.isEmpty() ? null : "Invalid arguments for tool '" + tool.name() + "': " + describe(errors);
    }

    /**
     * Checks a tool's result against its output schema (MCP: structured results MUST conform to it, and a gateway that
     * re-exposes an upstream's schema answers for it): a result that does not is replaced by an {@code isError} result
     * saying why. A structured result without text content gets the JSON as text, as MCP asks for compatibility.
     */
    public McpSchema.CallToolResult checkResult(McpSchema.Tool tool, McpSchema.CallToolResult result) {
        if (tool.outputSchema() == null || Boolean.TRUE.equals(result.isError())) {
            return result;
        }
        if (result.structuredContent() == null) {
            return invalidResult(tool, "the tool declares an outputSchema but returned no structuredContent");
        }
        Optional<Schema> schema = schemaOf(tool.outputSchema(), "the output of tool '" + tool.name() + "'");
        JsonNode content = json.valueToTree(result.structuredContent());
        List<Error> errors = schema.isEmpty() ? List.of() : schema.get().validate(content);
        if (!errors.isEmpty()) {
            return invalidResult(tool, "structuredContent does not match the tool's outputSchema: " + describe(errors));
        }
        McpSchema.CallToolResult checked = result.content() == null || result.content().isEmpty()
                ? McpSchema.CallToolResult.builder().addTextContent(content.toString()).structuredContent(result.structuredContent())
                        .isError(result.isError()).meta(result.meta()).build()
                : result;
        CHECKED.set(new Checked(tool.outputSchema(), checked.structuredContent()));
        return checked;
    }

    private static McpSchema.CallToolResult invalidResult(McpSchema.Tool tool, String why) {
        log.warn("tool {} returned an invalid result: {}", tool.name(), why);
        return McpSchema.CallToolResult.builder().addTextContent("Tool '" + tool.name() + "' returned an invalid result: " + why)
                .isError(true).build();
    }

    /** The result {@link #checkResult} passed last on this thread, so that the SDK's own check of it is not a second one. */
    private record Checked(Object schema, Object content) {
    }

    /**
     * The SDK's check of a structured result against the tool's output schema. The SDK runs it right after
     * {@link ToolInvoker} on the same thread, on the very result {@link #checkResult} passed: that one is not
     * checked twice. Anything else is checked here.
     */
    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
        if (schema == null || structuredContent == null) {
            throw new IllegalArgumentException("a schema and a structured result are required");
        }
        Checked checked = CHECKED.get();
        if (checked != null) {
            CHECKED.remove();
            if (checked.schema() == schema && checked.content() == structuredContent) {
                // The JSON text is only used for a result without text content, which checkResult already gave one.
                return ValidationResponse.asValid(null);
            }
        }
        JsonNode content = structuredContent instanceof String s ? parse(s) : json.valueToTree(structuredContent);
        if (content == null) {
            return ValidationResponse.asInvalid("structuredContent is not valid JSON");
        }
        Optional<Schema> compiledSchema = schemaOf(schema, "output");
        List<Error> errors = compiledSchema.isEmpty() ? List.of() : compiledSchema.get().validate(content);
        if (!errors.isEmpty()) {
            return ValidationResponse.asInvalid("structuredContent does not match the tool's outputSchema: " + describe(errors));
        }
        // The SDK puts this JSON into the text content of a result that has none. Written by this mapper, not by
        // JsonNode.toString(), whose internal mapper allocates fresh buffers on every call.
        try {
            return ValidationResponse.asValid(json.writeValueAsString(content));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return ValidationResponse.asInvalid("structuredContent cannot be written as JSON");
        }
    }

    private Optional<Schema> schemaOf(Object schema, String what) {
        Identity key = new Identity(schema);
        Optional<Schema> found = compiled.get(key);
        if (found != null) {
            return found;
        }
        if (compiled.size() >= MAX_CACHED) {
            compiled.clear();
        }
        return compiled.computeIfAbsent(key, k -> compile(schema, what));
    }

    private Optional<Schema> compile(Object schema, String what) {
        try {
            Schema compiledSchema = registry().getSchema(json.<JsonNode>valueToTree(schema));
            compiledSchema.initializeValidators(); // resolves every $ref now, not halfway through a call
            return Optional.of(compiledSchema);
        } catch (RuntimeException e) {
            log.warn("the JSON schema of {} cannot be used, so it is not checked: {}", what, e.getMessage());
            return Optional.empty();
        }
    }

    /** Created on first use: building the dialect's meta-schemas is start-up time a stdio session may never need. */
    private SchemaRegistry registry() {
        SchemaRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                if (registry == null) {
                    // Upstream schemas name their dialect ($schema draft-07 is common); none may make the gateway fetch
                    // a URL (a $ref to an internal address would be a request forgery): meta-schemas come from the jar.
                    registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
                }
                r = registry;
            }
        }
        return r;
    }

    private JsonNode parse(String s) {
        try {
            return json.readTree(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static String describe(List<Error> errors) {
        return errors.stream().limit(5).map(Error::toString).collect(Collectors.joining("; "))
                + (errors.size() > 5 ? "; and " + (errors.size() - 5) + " more" : "");
    }
}
