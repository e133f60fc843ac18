package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/** Gets a prompt from its source with the caller's arguments. May block (it runs on a virtual thread). */
@FunctionalInterface
public interface PromptHandler {

    /** A failure the caller should see is thrown as an {@link io.modelcontextprotocol.spec.McpError}. */
    McpSchema.GetPromptResult get(Map<String, Object> arguments) throws Exception;

    /**
     * As {@link #get(Map)}, in the trace of the request that asked: a source that calls an upstream makes that call a
     * span and tells the upstream ({@link dev.mcpauth.trace.CallTrace#upstreamRequest}); others need not care.
     */
    default McpSchema.GetPromptResult get(Map<String, Object> arguments, dev.mcpauth.trace.CallTrace trace) throws Exception {
        return get(arguments);
    }
}
