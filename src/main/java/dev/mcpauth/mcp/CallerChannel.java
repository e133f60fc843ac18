package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.concurrent.CompletableFuture;

/**
 * The client-facing side of one request in flight: where the relay writes what an upstream says while it works on
 * that request (progress, log messages, and server-to-client requests such as {@code sampling/createMessage},
 * {@code elicitation/create} and {@code roots/list}, whose answers come back through {@link #request}). On Streamable
 * HTTP this is the request's own SSE stream, so the client sees each message beside the call it belongs to.
 * The front puts it in the request's {@link McpTransportContext} under {@link #KEY}.
 */
public interface CallerChannel {

    String KEY = "mcp-auth.caller-channel";

    ClientSession session();

    /** The client's JSON-RPC id of the request (for cancellation). */
    Object requestId();

    /** Sends a notification related to this request. */
    void notify(String method, JsonNode params);

    /**
     * Sends a request to the client related to this request; completes with the client's whole response message
     * ({@code result} or {@code error}), or exceptionally when the client cannot be reached.
     */
    CompletableFuture<JsonNode> request(String method, JsonNode params);

    /** Whether the client cancelled this request ({@code notifications/cancelled}): its answer must not be sent. */
    boolean cancelled();

    /** The channel of the request a context belongs to, or null when the front relays nothing (stateless). */
    static CallerChannel of(McpTransportContext context) {
        return context != null && context.get(KEY) instanceof CallerChannel channel ? channel : null;
    }
}
