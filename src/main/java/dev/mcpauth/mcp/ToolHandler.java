package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/**
 * Runs a tool. May block (it runs on a virtual thread, never an IO thread). A failure the caller should
 * see is returned as a result with {@code isError: true}; a thrown exception becomes a generic error.
 */
@FunctionalInterface
public interface ToolHandler {

    McpSchema.CallToolResult call(ToolCall call) throws Exception;
}
