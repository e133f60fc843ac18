package dev.mcpauth.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.json.Json;
import dev.mcpauth.mcp.ToolCall;
import dev.mcpauth.mcp.ToolHandler;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.UncheckedIOException;
import java.util.Map;

/** How built-in tools answer: structured content plus the same JSON as text, or an error message. */
final class Results {

    private static final ObjectMapper JSON = Json.shared();

    /** A tool body that may reject its arguments with {@link BadArgument}. */
    @FunctionalInterface
    interface Body {
        CallToolResult call(ToolCall call) throws Exception;
    }

    private Results() {
    }

    /** Wraps a body so that a {@link BadArgument} becomes an {@code isError} result naming the argument. */
    static ToolHandler guarded(Body body) {
        return call -> {
            try {
                return body.call(call);
            } catch (BadArgument e) {
                return error(e.getMessage());
            }
        };
    }

    /** A result whose structured content is {@code value}; the text repeats it as JSON for older clients (MCP tools, structured content). */
    static CallToolResult structured(Map<String, Object> value) {
        return CallToolResult.builder()
                .addTextContent(toJson(value))
                .structuredContent(value)
                .isError(false)
                .build();
    }

    /** A failed run that still reports what happened: a message first, then the structured details. */
    static CallToolResult failed(String message, Map<String, Object> value) {
        return CallToolResult.builder()
                .addContent(new TextContent(message))
                .addTextContent(toJson(value))
                .structuredContent(value)
                .isError(true)
                .build();
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
