package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mcpauth.mcp.CallerChannel;
import dev.mcpauth.mcp.ResourceReader;
import dev.mcpauth.mcp.SessionRelay;
import dev.mcpauth.trace.CallTrace;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * An upstream's resources: read on the caller's own connection when the caller has a session (as {@link RelayedPrompt}),
 * else on the shared connection; subscriptions and completions on the caller's own.
 */
record RelayedReader(BoundSessions bound, UpstreamCalls calls) implements ResourceReader, SessionRelay.Relayed {

    @Override
    public McpSchema.ReadResourceResult read(String uri) {
        return read(uri, null, null, Map.of());
    }

    @Override
    public McpSchema.ReadResourceResult read(String uri, CallTrace trace) {
        return read(uri, trace, null, Map.of());
    }

    /** A span of its own ("upstream call"), and the upstream told its trace context in _meta and the header. */
    @Override
    public McpSchema.ReadResourceResult read(String uri, CallTrace trace, CallerChannel channel, Map<String, Object> meta) {
        return CallTrace.upstreamRequest(trace, calls.upstream(), "mcp.resource.uri", uri, meta, full -> {
            McpSchema.ReadResourceResult result = bound.request(channel, McpSchema.METHOD_RESOURCES_READ,
                    () -> BoundSessions.withMeta(JsonNodeFactory.instance.objectNode().put("uri", uri), full), McpSchema.ReadResourceResult.class);
            return result != null ? result : calls.read(uri, UpstreamCalls.sharedMeta(full));
        });
    }

    @Override
    public SessionRelay relay() {
        return bound;
    }

    /** URIs are never renamed: the upstream knows a resource by the URI the client names. */
    @Override
    public String originalName() {
        return "";
    }
}
