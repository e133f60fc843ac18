package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One client-facing MCP session as the relay sees it, whatever the front (Streamable HTTP with {@code Mcp-Session-Id},
 * or one stdio connection): what the client declared at {@code initialize}, and a way to tell it something outside
 * any request (the session's standalone stream). Upstream connections opened for this session are bound to it, so
 * everything such an upstream says belongs to this session and to no other.
 */
public interface ClientSession {

    /** Unique among the live sessions of this process. */
    String id();

    /** The {@code params.capabilities} the client sent in {@code initialize} (an empty object if none). */
    JsonNode capabilities();

    /** The protocol revision the client asked for in {@code initialize}. */
    String protocolVersion();

    /** Sends a notification outside any request (the GET stream on HTTP); dropped if the client has no such stream. */
    void notify(String method, JsonNode params);

    /**
     * Sends a request outside any request of the client (the GET stream on HTTP; MCP allows server requests there) and
     * completes with the client's whole response message; exceptionally if the client cannot be reached.
     */
    java.util.concurrent.CompletableFuture<JsonNode> request(String method, JsonNode params);
}
