package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one {@code subscriptions/listen} subscription says, whatever carries it (an SSE stream or stdout): the
 * acknowledgement, a {@code list_changed} of each subscribed kind only when what this caller may see of it really
 * changed, and the closing result. Every message names the subscription in {@code _meta}.
 */
final class ListenMessages {

    private static final ObjectMapper JSON = Json.shared();

    private final ModernServer server;
    private final McpTransportContext context;
    private final JsonNode subscriptionId;
    /** Per subscribed kind, what the caller saw last. */
    private final Map<ListenKind, List<?>> lastSeen = new EnumMap<>(ListenKind.class);

    ListenMessages(ModernServer server, McpTransportContext context, JsonNode subscriptionId, Set<ListenKind> kinds) {
        this.server = server;
        this.context = context;
        this.subscriptionId = subscriptionId;
        kinds.forEach(kind -> lastSeen.put(kind, server.visible(kind, context)));
    }

    JsonNode subscriptionId() {
        return subscriptionId;
    }

    ObjectNode acknowledged(ObjectNode honored) {
        ObjectNode params = JSON.createObjectNode();
        params.set("notifications", honored);
        return notification(ModernProtocol.SUBSCRIPTIONS_ACKNOWLEDGED, params);
    }

    /**
     * The list_changed notifications due after a catalog change: one for each subscribed kind whose entries, as this
     * caller may see them, differ from what it saw last (a re-published identical list, or a handler-only swap, is
     * no change).
     */
    List<ObjectNode> changes() {
        List<ObjectNode> due = new ArrayList<>();
        for (Map.Entry<ListenKind, List<?>> seen : lastSeen.entrySet()) {
            List<?> now = server.visible(seen.getKey(), context);
            if (!now.equals(seen.getValue())) {
                seen.setValue(now);
                due.add(notification(seen.getKey().method, JSON.createObjectNode()));
            }
        }
        return due;
    }

    /** The listen result, sent only when the server ends the subscription deliberately (schema: SubscriptionsListenResult). */
    ObjectNode closedResult() {
        ObjectNode result = JSON.createObjectNode().put("resultType", "complete");
        result.putObject("_meta").set(ModernProtocol.SUBSCRIPTION_ID_META, subscriptionId);
        return JsonRpcReply.result(subscriptionId, result).message();
    }

    private ObjectNode notification(String method, ObjectNode params) {
        params.with("_meta").set(ModernProtocol.SUBSCRIPTION_ID_META, subscriptionId);
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        message.set("params", params);
        return message;
    }
}
