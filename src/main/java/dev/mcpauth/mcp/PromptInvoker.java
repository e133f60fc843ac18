package dev.mcpauth.mcp;

import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link PromptCatalog} for {@code prompts/list} and {@code prompts/get}, guarded like tools: a prompt's
 * required scopes are the policy's for its exposed name (so {@code fs__*} covers fs's tools and prompts alike), lists
 * show only what the caller may get, and a get is checked again here (defence in depth, the only guard on stdio).
 */
public final class PromptInvoker {

    private static final Logger log = LoggerFactory.getLogger(PromptInvoker.class);

    private final PromptCatalog catalog;
    private final ScopeGuard guard;

    public PromptInvoker(ToolCatalog catalog, Policy policy, String scopeUpgradeEndpoint, Clock clock) {
        this.catalog = catalog.promptCatalog();
        this.guard = new ScopeGuard(Objects.requireNonNull(policy), scopeUpgradeEndpoint, clock);
    }

    public boolean visible(McpTransportContext context, McpSchema.Prompt prompt) {
        return guard.permits(context, prompt.name());
    }

    /** Whether the list of prompts depends on who asks (some prompt needs a scope). */
    public boolean listDependsOnCaller() {
        return catalog.prompts().stream().anyMatch(p -> guard.restricted(p.name()));
    }

    public McpSchema.GetPromptResult get(McpTransportContext context, McpSchema.GetPromptRequest request) {
        String name = request.name();
        AccessToken token = guard.authorize(context, PolicyRequest.of(PolicyRequest.Kind.PROMPT, name, request.arguments()));
        CatalogPrompt prompt = catalog.find(name).orElseThrow(() -> McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message("Unknown prompt: " + name).build());
        try {
            McpSchema.GetPromptResult result = prompt.handler().get(request.arguments() == null ? java.util.Map.of() : request.arguments(),
                    RequestContexts.callTrace(context), CallerChannel.of(context), request.meta() == null ? java.util.Map.of() : request.meta());
            if (result == null) {
                throw new IllegalStateException("prompt handler returned no result");
            }
            return result;
        } catch (McpError e) {
            // A deliberate protocol error (e.g. relayed from an upstream server): its message is meant for the client.
            throw e;
        } catch (Exception e) {
            log.warn("prompt {} failed for {}: {}", name, ScopeGuard.principal(token), e.toString());
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                    .message("Prompt '" + name + "' failed unexpectedly; the gateway logged the details.").build();
        }
    }
}
