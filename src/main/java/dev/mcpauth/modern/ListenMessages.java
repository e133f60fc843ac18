package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.http.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;

/**
 * What one {@code subscriptions/listen} subscription says, whatever carries it (an SSE stream or stdout): the
 * acknowledgement, {@code tools/list_changed} only when the tools this caller may see really changed, and the
 * closing result. Every message names the subscription in {@code _meta}.
 */
final class ListenMessages {

    private static final ObjectMapper JSON = Json.mapper();

    private final ModernServer server;
    private final McpTransportContext context;
    private final JsonNode subscriptionId;
    private List<McpSchema.Tool> lastSeen;

    ListenMessages(ModernServer server, McpTransportContext context, JsonNode subscriptionId) {
        this.server = server;
        this.context = context;
        this.subscriptionId = subscriptionId;
        this.lastSeen = server.visibleTools(context);
    }

    JsonNode subscriptionId() {
        return subscriptionId;
    }

    ObjectNode acknowledged(ObjectNode honored) {
        ObjectNode params = JSON.createObjectNode();
        params.set("notifications", honored);
        return notification(ModernProtocol.SUBSCRIPTIONS_ACKNOWLEDGED, params);
    }

    ObjectNode toolsListChanged() {
        return notification(ModernProtocol.TOOLS_LIST_CHANGED, JSON.createObjectNode());
    }

    /** Whether the tools this caller may see differ from what it saw last (a handler-only swap is no change). */
    boolean changed() {
        List<McpSchema.Tool> now = server.visibleTools(context);
        if (now.equals(lastSeen)) {
            return false;
        }
        lastSeen = now;
        return true;
    }

    /** The listen result, sent only when the server ends the subscription deliberately (schema: SubscriptionsListenResult). */
    ObjectNode closedResult() {
        ObjectNode result = JSON.createObjectNode().put("resultType", "complete");
        result.putObject("_meta").set(ModernProtocol.SUBSCRIPTION_ID_META, subscriptionId);
        return ModernReply.result(subscriptionId, result).message();
    }

    private ObjectNode notification(String method, ObjectNode params) {
        params.with("_meta").set(ModernProtocol.SUBSCRIPTION_ID_META, subscriptionId);
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        message.set("params", params);
        return message;
    }
}
