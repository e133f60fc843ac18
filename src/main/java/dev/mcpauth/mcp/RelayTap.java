package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a front hands the relay the client messages the SDK server does not handle: answers to requests the relay
 * sent the client, {@code notifications/cancelled}, {@code notifications/roots/list_changed}, {@code logging/setLevel}
 * (seen, then still answered by the SDK), session ends, and the requests of {@link RelayRequests}. Session events go
 * to every {@link SessionRelay} the catalog knows.
 */
final class RelayTap {

    private static final Logger log = LoggerFactory.getLogger(RelayTap.class);

    private volatile RelayRequests requests;
    private volatile Supplier<List<SessionRelay>> relays = List::of;

    void wire(RelayRequests requests, Supplier<List<SessionRelay>> relays) {
        this.requests = requests;
        this.relays = relays;
    }

    /** Whether the relay answers this request method itself. */
    boolean answers(String method) {
        return requests != null && RelayRequests.METHODS.contains(method);
    }

    JsonNode answer(McpTransportContext context, CallerChannel caller, McpSchema.JSONRPCRequest request) {
        return requests.handle(context, caller, request.id(), request.method(), tree(request.params()));
    }

    /**
     * Takes a client message that is the relay's alone (then the front answers 202 and the SDK never sees it); also
     * passes on what the relay only needs to know ({@code logging/setLevel}). Returns whether it was taken.
     */
    boolean consumes(RelayedSession session, McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCResponse response) {
            return session.answer(response.id(), RelayMessages.of(response));
        }
        if (message instanceof McpSchema.JSONRPCNotification notification) {
            JsonNode params = tree(notification.params());
            switch (notification.method()) {
                case "notifications/cancelled" -> {
                    Object requestId = Json.shared().convertValue(params.get("requestId"), Object.class);
                    if (requestId != null && session.cancel(requestId)) {
                        each(r -> r.cancelled(session, requestId, params.path("reason").asText(null)));
                    }
                    return true;
                }
                case McpSchema.METHOD_NOTIFICATION_ROOTS_LIST_CHANGED -> {
                    each(r -> r.rootsChanged(session));
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }
        if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_LOGGING_SET_LEVEL.equals(request.method())) {
            JsonNode params = tree(request.params());
            each(r -> r.logLevel(session, params));
        }
        return false;
    }

    /** Params as a tree; an object when absent, so a malformed message is never a null to trip on. */
    private static JsonNode tree(Object params) {
        JsonNode tree = params == null ? null : Json.shared().valueToTree(params);
        return tree == null || tree.isNull() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : tree;
    }

    void closed(RelayedSession session) {
        session.close();
        each(r -> r.closed(session));
    }

    private void each(Consumer<SessionRelay> event) {
        for (SessionRelay relay : relays.get()) {
            try {
                event.accept(relay);
            } catch (RuntimeException e) {
                log.warn("a session relay failed: {}", e.toString());
            }
        }
    }
}
