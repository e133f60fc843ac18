package dev.mcpauth.mcp;

import io.modelcontextprotocol.common.McpTransportContext;

/** Carrying a {@link CallerChannel} in a transport context. */
public final class CallerChannels {

    private CallerChannels() {
    }

    /** {@code context} plus {@code channel} under {@link CallerChannel#KEY}. */
    public static McpTransportContext with(McpTransportContext context, CallerChannel channel) {
        McpTransportContext base = context == null ? McpTransportContext.EMPTY : context;
        return key -> CallerChannel.KEY.equals(key) ? channel : base.get(key);
    }
}
