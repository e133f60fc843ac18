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

    /** As {@link #read(String, dev.mcpauth.trace.CallTrace)}, for one caller's request (see {@link PromptHandler#get(java.util.Map, dev.mcpauth.trace.CallTrace, CallerChannel, java.util.Map)}). */
    default McpSchema.ReadResourceResult read(String uri, dev.mcpauth.trace.CallTrace trace, CallerChannel channel,
                                              java.util.Map<String, Object> meta) throws Exception {
        return read(uri, trace);
    }
}
