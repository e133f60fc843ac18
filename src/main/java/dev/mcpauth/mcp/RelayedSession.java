package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's bookkeeping for one client session, whatever the front: what the client declared at
 * {@code initialize}, its requests in flight (so {@code notifications/cancelled} finds them) and the requests the
 * relay sent it and still awaits (ids of the relay's own, never the SDK's).
 */
abstract class RelayedSession implements ClientSession {

    private static final AtomicLong IDS = new AtomicLong();

    private final Map<Object, RelayedChannel> inFlight = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> awaited = new ConcurrentHashMap<>();
    private volatile JsonNode capabilities = JsonNodeFactory.instance.objectNode();
    private volatile String protocolVersion = "";

    /** Takes what the client declared in {@code initialize}. */
    void initialized(JsonNode initializeParams) {
        JsonNode declared = initializeParams == null ? null : initializeParams.get("capabilities");
        capabilities = declared != null && declared.isObject() ? declared : JsonNodeFactory.instance.objectNode();
        protocolVersion = initializeParams == null ? "" : initializeParams.path("protocolVersion").asText("");
    }

    @Override
    public JsonNode capabilities() {
        return capabilities;
    }

    @Override
    public String protocolVersion() {
        return protocolVersion;
    }

    /** A fresh id for a request the relay sends to this client; never one the SDK's own requests use. */
    String nextRequestId(CompletableFuture<JsonNode> answer) {
        String id = "mcp-auth-relay-" + IDS.incrementAndGet();
        awaited.put(id, answer);
        answer.whenComplete((r, e) -> awaited.remove(id));
        return id;
    }

    /** Completes the relayed request this response answers; false if it answers none of this session's. */
    boolean answer(Object id, JsonNode response) {
        CompletableFuture<JsonNode> waiting = id instanceof String s ? awaited.get(s) : null;
        return waiting != null && waiting.complete(response);
    }

    void started(RelayedChannel channel) {
        inFlight.put(RelayMessages.idKey(channel.requestId()), channel);
    }

    void finished(RelayedChannel channel) {
        inFlight.remove(RelayMessages.idKey(channel.requestId()), channel);
    }

    /** Marks a request in flight cancelled; false if none has that id. */
    boolean cancel(Object requestId) {
        RelayedChannel channel = requestId == null ? null : inFlight.get(RelayMessages.idKey(requestId));
        if (channel == null) {
            return false;
        }
        channel.cancel();
        return true;
    }

    /** Whether the request with this id was cancelled (its answer must not be sent). */
    boolean cancelled(Object requestId) {
        RelayedChannel channel = requestId == null ? null : inFlight.get(RelayMessages.idKey(requestId));
        return channel != null && channel.cancelled();
    }

    /** Ends what still waits on this client. */
    void close() {
        awaited.values().forEach(f -> f.cancel(false));
        inFlight.values().forEach(RelayedChannel::cancel);
    }
}
