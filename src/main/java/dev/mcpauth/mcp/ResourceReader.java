package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/** Reads a resource from its source by URI. May block (it runs on a virtual thread). */
@FunctionalInterface
public interface ResourceReader {

    /** A failure the caller should see is thrown as an {@link io.modelcontextprotocol.spec.McpError}. */
    McpSchema.ReadResourceResult read(String uri) throws Exception;

    /** As {@link #read(String)}, in the trace of the request that asked (see {@link PromptHandler#get(java.util.Map, dev.mcpauth.trace.CallTrace)}). */
    default McpSchema.ReadResourceResult read(String uri, dev.mcpauth.trace.CallTrace trace) throws Exception {
        return read(uri);
    }
}
