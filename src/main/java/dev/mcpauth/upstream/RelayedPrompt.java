package dev.mcpauth.upstream;

import dev.mcpauth.mcp.PromptHandler;
import dev.mcpauth.mcp.SessionRelay;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/** An upstream's prompt: got on the shared connection; its completions go to the caller's own connection. */
record RelayedPrompt(BoundSessions bound, String originalName, UpstreamCalls calls) implements PromptHandler, SessionRelay.Relayed {

    @Override
    public McpSchema.GetPromptResult get(Map<String, Object> arguments) {
        return calls.getPrompt(originalName, arguments);
    }

    @Override
    public SessionRelay relay() {
        return bound;
    }
}
