package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.mcp.CallerChannel;
import dev.mcpauth.mcp.PromptHandler;
import dev.mcpauth.mcp.SessionRelay;
import dev.mcpauth.trace.CallTrace;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * An upstream's prompt: got on the caller's own connection when the caller has a session (so the upstream's progress
 * and its requests to the client while it builds the prompt reach that caller), else on the shared connection; its
 * completions go to the caller's own connection.
 */
record RelayedPrompt(BoundSessions bound, String originalName, UpstreamCalls calls) implements PromptHandler, SessionRelay.Relayed {

    @Override
    public McpSchema.GetPromptResult get(Map<String, Object> arguments) {
        return get(arguments, null, null, Map.of());
    }

    @Override
    public McpSchema.GetPromptResult get(Map<String, Object> arguments, CallTrace trace) {
        return get(arguments, trace, null, Map.of());
    }

    /** A span of its own ("upstream call"), and the upstream told its trace context in _meta and the header. */
    @Override
    public McpSchema.GetPromptResult get(Map<String, Object> arguments, CallTrace trace, CallerChannel channel, Map<String, Object> meta) {
        return CallTrace.upstreamRequest(trace, calls.upstream(), "mcp.prompt.name", originalName, meta, full -> {
            McpSchema.GetPromptResult result = bound.request(channel, McpSchema.METHOD_PROMPT_GET, () -> {
                ObjectNode params = JsonNodeFactory.instance.objectNode().put("name", originalName);
                params.set("arguments", Json.shared().valueToTree(arguments));
                return BoundSessions.withMeta(params, full);
            }, McpSchema.GetPromptResult.class);
            return result != null ? result : calls.getPrompt(originalName, arguments, UpstreamCalls.sharedMeta(full));
        });
    }

    @Override
    public SessionRelay relay() {
        return bound;
    }
}
