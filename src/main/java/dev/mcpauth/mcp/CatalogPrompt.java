package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/** A prompt as the gateway exposes it (renamed like its source's tools) and what gets it from its source. */
public record CatalogPrompt(McpSchema.Prompt prompt, PromptHandler handler) {

    public String name() {
        return prompt.name();
    }
}
