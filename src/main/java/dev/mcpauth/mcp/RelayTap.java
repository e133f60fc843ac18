package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a front hands the relay the client messages that are not the dispatch's: answers to requests the relay
 * sent the client, {@code notifications/cancelled}, {@code notifications/roots/list_changed}, {@code logging/setLevel}
 * (seen, then answered by {@link SessionAnswers}), session ends, and the requests of {@link RelayRequests}. Session events go
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

    /** The whole response (under {@code id}) to a request whose method the relay {@link #answers}. */
    ObjectNode answer(McpTransportContext context, CallerChannel caller, Object id, String method, JsonNode params) {
        return (ObjectNode) requests.handle(context, caller, id, method, params);
    }

    /**
     * Takes a client message that is the relay's alone (then the front answers 202, or nothing on stdio): an answer
     * to a request the relay sent, a cancellation, a change of roots; also passes on what the relay only needs to
     * know ({@code logging/setLevel}, then answered by the front). Returns whether it was taken.
     */
    boolean consumes(RelayedSession session, JsonNode message) {
        String method = message.path("method").asText(null);
        if (method == null) {
            return session.answer(Json.id(message.get("id")), message);
        }
        JsonNode params = tree(message.get("params"));
        if (!message.has("id")) {
            switch (method) {
                case "notifications/cancelled" -> {
                    Object requestId = Json.id(params.get("requestId"));
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
        if (McpSchema.METHOD_LOGGING_SET_LEVEL.equals(method)) {
            each(r -> r.logLevel(session, params));
        }
        return false;
    }

    /** Params as a tree; an object when absent, so a malformed message is never a null to trip on. */
    private static JsonNode tree(JsonNode params) {
        return params == null || !params.isObject() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : params;
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
