package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import java.util.EnumSet;
import java.util.Set;

/**
 * The change notifications a {@code subscriptions/listen} request may opt in to (schema: the filter's fields) that
 * this server sends. {@code resourceSubscriptions} is not among them: it is never honored.
 */
enum ListenKind {
    TOOLS("toolsListChanged", ModernProtocol.TOOLS_LIST_CHANGED),
    PROMPTS("promptsListChanged", ModernProtocol.PROMPTS_LIST_CHANGED),
    RESOURCES("resourcesListChanged", ModernProtocol.RESOURCES_LIST_CHANGED);

    /** The field of {@code params.notifications} that asks for it. */
    final String filterField;
    /** The notification that carries it. */
    final String method;

    ListenKind(String filterField, String method) {
        this.filterField = filterField;
        this.method = method;
    }

    /** The kinds a listen request's {@code params} asks for; null when {@code params.notifications} is not an object. */
    static Set<ListenKind> requested(JsonNode params) {
        JsonNode filter = params.path("notifications");
        if (!filter.isObject()) {
            return null;
        }
        Set<ListenKind> kinds = EnumSet.noneOf(ListenKind.class);
        for (ListenKind kind : values()) {
            if (filter.path(kind.filterField).asBoolean(false)) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    /** The filter as acknowledged: exactly the honored kinds, each {@code true}. */
    static ObjectNode honored(Set<ListenKind> kinds) {
        ObjectNode honored = JsonNodeFactory.instance.objectNode();
        kinds.forEach(kind -> honored.put(kind.filterField, true));
        return honored;
    }

    /** The answer to a listen request without a filter object. */
    static JsonRpcReply missingFilter(JsonNode id) {
        return JsonRpcReply.error(400, id, ModernProtocol.INVALID_PARAMS,
                "Invalid params: subscriptions/listen needs params.notifications, e.g. {\"toolsListChanged\": true}", null);
    }
}
