package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;

/**
 * A resource as the gateway exposes it: its descriptor (URI unchanged, as clients follow URIs found in tool results),
 * the name the {@link dev.mcpauth.policy.Policy} knows it by, and what reads it from its source.
 */
public record CatalogResource(McpSchema.Resource resource, String policyName, ResourceReader reader) {

    public String uri() {
        return resource.uri();
    }
}
