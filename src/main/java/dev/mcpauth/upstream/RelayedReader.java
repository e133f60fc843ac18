package dev.mcpauth.upstream;

import dev.mcpauth.mcp.ResourceReader;
import dev.mcpauth.mcp.SessionRelay;
import dev.mcpauth.trace.CallTrace;
import io.modelcontextprotocol.spec.McpSchema;

/** An upstream's resources: read on the shared connection; subscriptions and completions on the caller's own. */
record RelayedReader(BoundSessions bound, UpstreamCalls calls) implements ResourceReader, SessionRelay.Relayed {

    @Override
    public McpSchema.ReadResourceResult read(String uri) {
        return read(uri, null);
    }

    /** A span of its own ("upstream call"), and the upstream told its trace context in _meta and the header. */
    @Override
    public McpSchema.ReadResourceResult read(String uri, CallTrace trace) {
        return CallTrace.upstreamRequest(trace, calls.upstream(), "mcp.resource.uri", uri, meta -> calls.read(uri, meta));
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
