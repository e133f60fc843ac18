package dev.mcpauth.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Comparator;

/**
 * Narrows the SDK server's answers to {@code prompts/list}, {@code resources/list} and {@code resources/templates/list}
 * to what the caller's scopes permit, in a deterministic order. The SDK filters {@code tools/list} itself
 * ({@code addToolFilter}) but has no hook for the other lists, so the transports' reply path applies this: the SDK
 * hands its replies over as typed results, before serialization.
 */
final class CallerLists {

    private final PromptInvoker prompts;
    private final ResourceInvoker resources;

    CallerLists(PromptInvoker prompts, ResourceInvoker resources) {
        this.prompts = prompts;
        this.resources = resources;
    }

    /** {@code message} as this caller may see it: list results filtered, anything else unchanged. */
    McpSchema.JSONRPCMessage visibleTo(McpTransportContext context, McpSchema.JSONRPCMessage message) {
        if (!(message instanceof McpSchema.JSONRPCResponse response) || response.result() == null) {
            return message;
        }
        Object filtered = switch (response.result()) {
            case McpSchema.ListPromptsResult r -> new McpSchema.ListPromptsResult(r.prompts().stream()
                    .filter(p -> prompts.visible(context, p)).sorted(Comparator.comparing(McpSchema.Prompt::name)).toList(),
                    r.nextCursor(), r.meta());
            case McpSchema.ListResourcesResult r -> new McpSchema.ListResourcesResult(r.resources().stream()
                    .filter(res -> resources.visible(context, res)).sorted(Comparator.comparing(McpSchema.Resource::uri)).toList(),
                    r.nextCursor(), r.meta());
            case McpSchema.ListResourceTemplatesResult r -> new McpSchema.ListResourceTemplatesResult(r.resourceTemplates().stream()
                    .filter(t -> resources.visible(context, t)).sorted(Comparator.comparing(McpSchema.ResourceTemplate::uriTemplate)).toList(),
                    r.nextCursor(), r.meta());
            default -> null;
        };
        return filtered == null ? message : new McpSchema.JSONRPCResponse(response.jsonrpc(), response.id(), filtered, null);
    }
}
