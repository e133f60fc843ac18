package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Streamable HTTP session as the relay sees it: what its client declared, its requests in flight (so that
 * {@code notifications/cancelled} finds them) and the server-to-client requests the relay sent it and still awaits.
 */
final class HttpClientSession implements ClientSession {

    private static final Logger log = LoggerFactory.getLogger(HttpClientSession.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final McpStreamableServerSession session;
    private final JsonNode capabilities;
    private final String protocolVersion;
    private final Map<Object, SseCallerChannel> inFlight = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> awaited = new ConcurrentHashMap<>();

    HttpClientSession(McpStreamableServerSession session, JsonNode initializeParams) {
        this.session = session;
        JsonNode declared = initializeParams == null ? null : initializeParams.get("capabilities");
        this.capabilities = declared != null && declared.isObject() ? declared : JsonNodeFactory.instance.objectNode();
        this.protocolVersion = initializeParams == null ? "" : initializeParams.path("protocolVersion").asText("");
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public JsonNode capabilities() {
        return capabilities;
    }

    @Override
    public String protocolVersion() {
        return protocolVersion;
    }

    @Override
    public void notify(String method, JsonNode params) {
        try {
            session.sendNotification(method, params).block();
        } catch (RuntimeException e) {
            log.debug("session {}: {} not delivered (no open GET stream): {}", id(), method, e.toString());
        }
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        return session.sendRequest(method, params, new io.modelcontextprotocol.json.TypeRef<Object>() {
        }).map(result -> (JsonNode) RelayMessages.result(null, dev.mcpauth.http.Json.mapper().valueToTree(result)))
                .onErrorResume(io.modelcontextprotocol.spec.McpError.class, e -> reactor.core.publisher.Mono.just(RelayMessages.error(null, e)))
                .toFuture();
    }

    /** A fresh id for a request the relay sends to this client; never one the SDK's own requests use. */
    String nextRequestId(CompletableFuture<JsonNode> answer) {
        String id = "mcp-auth-relay-" + IDS.incrementAndGet();
        awaited.put(id, answer);
        answer.whenComplete((r, e) -> awaited.remove(id));
        return id;
    }

    /** Completes the relayed request this response answers; false if it answers none of them. */
    boolean answer(Object id, JsonNode response) {
        CompletableFuture<JsonNode> waiting = id instanceof String s ? awaited.get(s) : null;
        return waiting != null && waiting.complete(response);
    }

    void started(SseCallerChannel channel) {
        inFlight.put(channel.requestId(), channel);
    }

    void finished(SseCallerChannel channel) {
        inFlight.remove(channel.requestId(), channel);
    }

    /** Marks a request in flight cancelled; false if none has that id. */
    boolean cancel(Object requestId) {
        SseCallerChannel channel = inFlight.get(requestId);
        if (channel == null && requestId instanceof Number n) {
            channel = inFlight.get(n.intValue());
        }
        if (channel == null) {
            return false;
        }
        channel.cancel();
        return true;
    }

    /** Ends what still waits on this client. */
    void close() {
        awaited.values().forEach(f -> f.cancel(false));
        inFlight.values().forEach(SseCallerChannel::cancel);
    }
}
