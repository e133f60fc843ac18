package dev.mcpauth.upstream;

import dev.mcpauth.mcp.PromptHandler;
import dev.mcpauth.mcp.SessionRelay;
import dev.mcpauth.trace.CallTrace;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/** An upstream's prompt: got on the shared connection; its completions go to the caller's own connection. */
record RelayedPrompt(BoundSessions bound, String originalName, UpstreamCalls calls) implements PromptHandler, SessionRelay.Relayed {

    @Override
    public McpSchema.GetPromptResult get(Map<String, Object> arguments) {
        return get(arguments, null);
    }

    /** A span of its own ("upstream call"), and the upstream told its trace context in _meta and the header. */
    @Override
    public McpSchema.GetPromptResult get(Map<String, Object> arguments, CallTrace trace) {
        return CallTrace.upstreamRequest(trace, calls.upstream(), "mcp.prompt.name", originalName,
                meta -> calls.getPrompt(originalName, arguments, meta));
    }

    @Override
    public SessionRelay relay() {
        return bound;
    }
}
