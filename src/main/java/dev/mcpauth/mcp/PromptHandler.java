package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/** Gets a prompt from its source with the caller's arguments. May block (it runs on a virtual thread). */
@FunctionalInterface
public interface PromptHandler {

    /** A failure the caller should see is thrown as an {@link io.modelcontextprotocol.spec.McpError}. */
    McpSchema.GetPromptResult get(Map<String, Object> arguments) throws Exception;
}
