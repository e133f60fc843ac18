package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/** Gets a prompt from its source with the caller's arguments. May block (it runs on a virtual thread). */
@FunctionalInterface
public interface PromptHandler {

    /** A failure the caller should see is thrown as an {@link io.modelcontextprotocol.spec.McpError}. */
    McpSchema.GetPromptResult get(Map<String, Object> arguments) throws Exception;

    /**
     * As {@link #get(Map)}, in the trace of the request that asked: a source that calls an upstream makes that call a
     * span and tells the upstream ({@link dev.mcpauth.trace.CallTrace#upstreamRequest}); others need not care.
     */
    default McpSchema.GetPromptResult get(Map<String, Object> arguments, dev.mcpauth.trace.CallTrace trace) throws Exception {
        return get(arguments);
    }

    /**
     * As {@link #get(Map, dev.mcpauth.trace.CallTrace)}, for one caller's request: {@code channel} is where what the
     * source says while it works goes (null when the front relays nothing), {@code meta} the request's own
     * {@code _meta} (its progress token, say; empty when it has none). A source that relays to an upstream uses them.
     */
    default McpSchema.GetPromptResult get(Map<String, Object> arguments, dev.mcpauth.trace.CallTrace trace, CallerChannel channel,
                                          Map<String, Object> meta) throws Exception {
        return get(arguments, trace);
    }
}
