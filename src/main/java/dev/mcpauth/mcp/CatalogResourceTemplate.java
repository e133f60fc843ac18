package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.function.UnaryOperator;

/**
 * A resource template (RFC 6570 URI template) as the gateway exposes it, unchanged; a read of a URI it matches goes
 * to {@code reader}, under the policy name {@code policyName} gives that URI.
 */
public record CatalogResourceTemplate(McpSchema.ResourceTemplate template, UnaryOperator<String> policyName, ResourceReader reader) {

    public String uriTemplate() {
        return template.uriTemplate();
    }
}
