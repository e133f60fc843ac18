package dev.mcpauth.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Calls tools the way the gateway does and reads their results. */
final class ToolTesting {

    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final JsonSchemaValidator VALIDATOR = new DefaultJsonSchemaValidator();

    private ToolTesting() {
    }

    static AccessToken token(String... scopes) {
        return new AccessToken("alice", "cli-client", Set.of(scopes), List.of("https://mcp.example.com/mcp"),
                "https://issuer.example.com", NOW.plusSeconds(3600), Map.of("sub", "alice"));
    }

    static CallToolResult call(CatalogTool tool, Map<String, Object> arguments) throws Exception {
        return tool.handler().call(new ToolCall(token(), tool.name(), arguments));
    }

    /** A successful call's structured content, checked against the tool's own outputSchema as the SDK would. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> success(CatalogTool tool, CallToolResult result) {
        assertThat(result.isError()).as("isError of %s: %s", tool.name(), text(result)).isFalse();
        assertConformsToOutputSchema(tool, result);
        return (Map<String, Object>) result.structuredContent();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> structured(CallToolResult result) {
        return (Map<String, Object>) result.structuredContent();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    static void assertConformsToOutputSchema(CatalogTool tool, CallToolResult result) {
        var validation = VALIDATOR.validate(tool.tool().outputSchema(), result.structuredContent());
        assertThat(validation.valid()).as("output of %s conforms to its schema: %s", tool.name(), validation.errorMessage()).isTrue();
    }

    /** The error message of a refused call. */
    static String error(CallToolResult result) {
        assertThat(result.isError()).as("isError: %s", text(result)).isTrue();
        return text(result);
    }

    static String text(CallToolResult result) {
        return result.content().stream().map(c -> ((TextContent) c).text()).collect(Collectors.joining("\n"));
    }
}
