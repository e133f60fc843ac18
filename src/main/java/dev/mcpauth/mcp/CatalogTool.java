package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/** A tool as the gateway exposes it: its MCP description (name, schema) and what runs it. */
public record CatalogTool(McpSchema.Tool tool, ToolHandler handler) {

    public String name() {
        return tool.name();
    }
}
