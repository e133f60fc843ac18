package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.mcp.RelayMessages;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A raw JSON-RPC peer over one SDK client transport (a child's stdio, or Streamable HTTP): requests out with ids of
 * its own, their responses matched back, and whatever the upstream sends by itself (notifications, and requests such
 * as {@code sampling/createMessage}) handed to an {@link Inbound} as trees, so nothing an upstream says is lost to a
 * typed model. The SDK's client session is not used: it keeps its request ids to itself (so a cancellation could not
 * name the request) and answers server-to-client requests with fixed handlers.
 */
final class RelayPeer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayPeer.class);

    /** What the upstream sends by itself. */
    interface Inbound {
        void notification(String method, JsonNode params);

        /** Answers a request from the upstream: completes with the whole response message (result or error). */
        CompletableFuture<JsonNode> request(Object id, String method, JsonNode params);
    }

    private final String name;
    private final McpClientTransport transport;
    private final Inbound inbound;
    private final Duration requestTimeout;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A request waiting for its answer, and when it stops waiting. */
    private record Pending(CompletableFuture<JsonNode> response, long deadline) {
    }

    /**
     * @param requestTimeout how long a request waits for its answer before it may fail (and is forgotten): requests
     *                       past it fail when the next request is sent (every caller that waits has a timeout of its
     *                       own), so a call costs no timer of its own
     */
    RelayPeer(String name, McpClientTransport transport, Inbound inbound, Duration requestTimeout) {
        this.name = name;
        this.transport = transport;
        this.inbound = inbound;
        this.requestTimeout = requestTimeout;
    }

    /** Starts the transport and runs the initialize handshake with the given client capabilities and revision. */
    JsonNode open(JsonNode capabilities, String protocolVersion, Duration timeout) throws Exception {
        transport.connect(messages -> messages.doOnNext(this::receive)).block(timeout);
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.put("protocolVersion", protocolVersion);
        params.set("capabilities", capabilities);
        params.putObject("clientInfo").put("name", "mcp-auth").put("version", "0.1.0");
        JsonNode result = RelayMessages.resultOrThrow(request(McpSchema.METHOD_INITIALIZE, params).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        notify(McpSchema.METHOD_NOTIFICATION_INITIALIZED, null);
        return result;
    }

    /** The id the next {@link #request} will carry (so a caller can name it in a cancellation). */
    CompletableFuture<JsonNode> request(String method, JsonNode params) {
        return request(method, params, "r" + ids.incrementAndGet());
    }

    CompletableFuture<JsonNode> request(String method, JsonNode params, String id) {
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        if (closed) {
            response.completeExceptionally(new IllegalStateException("upstream " + name + " connection is closed"));
            return response;
        }
        // An upstream that never answers must not hold the entry forever. Not an orTimeout per request: arming and
        // cancelling its timer woke the JDK's delay-scheduler thread twice a call (7% of the gateway's CPU on bench
        // row 7, futex calls in this VM being dear).
        long now = System.nanoTime();
        expire(now);
        pending.put(id, new Pending(response, now + requestTimeout.toNanos()));
        response.whenComplete((r, e) -> pending.remove(id));
        send(new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params), response);
        return response;
    }

    /** Fails the requests whose time is up (a handful at most are in flight on one connection). */
    private void expire(long now) {
        for (Pending waiting : pending.values()) {
            if (now - waiting.deadline() > 0) {
                waiting.response().completeExceptionally(new java.util.concurrent.TimeoutException(
                        "upstream " + name + " did not answer within " + requestTimeout.toSeconds() + " s"));
            }
        }
    }

    String nextId() {
        return "r" + ids.incrementAndGet();
    }

    void notify(String method, JsonNode params) {
        send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, params), null);
    }

    private void send(JSONRPCMessage message, CompletableFuture<JsonNode> failOnError) {
        transport.sendMessage(message).subscribe(null, e -> {
            log.debug("upstream {}: could not send a message: {}", name, e.toString());
            if (failOnError != null) {
                failOnError.completeExceptionally(e);
            }
        });
    }

    private void receive(JSONRPCMessage message) {
        switch (message) {
            case McpSchema.JSONRPCResponse response -> {
                Pending waiting = response.id() == null ? null : pending.get(String.valueOf(response.id()));
                if (waiting != null) {
                    waiting.response().complete(RelayMessages.of(response));
                } else {
                    log.debug("upstream {}: a response to no request of ours ({}); dropped", name, response.id());
                }
            }
            case McpSchema.JSONRPCNotification notification -> inbound.notification(notification.method(), tree(notification.params()));
            case McpSchema.JSONRPCRequest request -> answer(request);
            default -> log.debug("upstream {}: an unknown kind of message; dropped", name);
        }
    }

    private void answer(McpSchema.JSONRPCRequest request) {
        CompletableFuture<JsonNode> answer;
        try {
            answer = McpSchema.METHOD_PING.equals(request.method())
                    ? CompletableFuture.completedFuture(RelayMessages.result(request.id(), null))
                    : inbound.request(request.id(), request.method(), tree(request.params()));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> {
            JsonNode reply = failure == null ? RelayMessages.withId(response, request.id())
                    : RelayMessages.error(request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "The client could not be asked: " + failure.getMessage(), null);
            transport.sendMessage(RelayMessages.toRecord(reply)).subscribe(null,
                    e -> log.debug("upstream {}: could not answer {}: {}", name, request.method(), e.toString()));
        });
    }

    private static JsonNode tree(Object params) {
        return params == null ? JsonNodeFactory.instance.objectNode() : Json.shared().valueToTree(params);
    }

    /** The upstream went away (its child exited): what waits fails at once, and the peer counts as closed. */
    void lost(String reason) {
        closed = true;
        pending.values().forEach(p -> p.response().completeExceptionally(new IllegalStateException(reason)));
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        pending.values().forEach(p -> p.response().completeExceptionally(new IllegalStateException("upstream " + name + " connection was closed")));
        try {
            transport.closeGracefully().block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("upstream {}: close: {}", name, e.toString());
        }
        if (transport instanceof ChildProcessTransport child) {
            child.close();
        }
    }
}
