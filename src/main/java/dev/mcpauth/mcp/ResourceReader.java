package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/** Reads a resource from its source by URI. May block (it runs on a virtual thread). */
@FunctionalInterface
public interface ResourceReader {

    /** A failure the caller should see is thrown as an {@link io.modelcontextprotocol.spec.McpError}. */
    McpSchema.ReadResourceResult read(String uri) throws Exception;
}
