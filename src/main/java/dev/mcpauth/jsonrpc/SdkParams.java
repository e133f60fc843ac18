package dev.mcpauth.jsonrpc;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop behind {@link McpParams}: the params of each method the SDK serves are read into the SDK's own type,
 * as the SDK will read them, so a shape the explicit rules did not foresee (a nested capability of the wrong type) is
 * refused here with the JSON path of the member, instead of failing inside the SDK with its class names.
 */
final class SdkParams {

    private static final Logger log = LoggerFactory.getLogger(SdkParams.class);
    /** The mapper the SDK reads with (the fronts give it Json.shared()): what reads here, reads there, and the SDK finds
     *  the deserializers this built in the same cache (building them twice was ~6% of a stdio start). */
    private static final ObjectMapper SDK_LIKE = Json.shared();

    /**
     * Not {@code tools/call}: its record holds a name, an arguments map and a {@code _meta} map, which McpParams' rule
     * checks member by member (a non-empty string, an object, an object), so reading it again here, on every call, could
     * refuse nothing that rule lets through (~3% of a stateless call's CPU on its virtual thread).
     */
    private static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("initialize", McpSchema.InitializeRequest.class),
            Map.entry("prompts/get", McpSchema.GetPromptRequest.class),
            Map.entry("resources/read", McpSchema.ReadResourceRequest.class),
            Map.entry("resources/subscribe", McpSchema.SubscribeRequest.class),
            Map.entry("resources/unsubscribe", McpSchema.UnsubscribeRequest.class),
            Map.entry("completion/complete", McpSchema.CompleteRequest.class),
            Map.entry("logging/setLevel", McpSchema.SetLevelRequest.class),
            Map.entry("tools/list", McpSchema.PaginatedRequest.class),
            Map.entry("prompts/list", McpSchema.PaginatedRequest.class),
            Map.entry("resources/list", McpSchema.PaginatedRequest.class),
            Map.entry("resources/templates/list", McpSchema.PaginatedRequest.class),
            Map.entry("notifications/progress", McpSchema.ProgressNotification.class));

    private SdkParams() {
    }

    static Optional<InvalidMessage> problem(JsonNode message) {
        Class<?> type = TYPES.get(message.get("method").textValue());
        JsonNode params = message.get("params");
        if (type == null || params == null || !params.isObject()) {
            return Optional.empty();
        }
        try {
            SDK_LIKE.treeToValue(params, type);
            return Optional.empty();
        } catch (JsonMappingException e) {
            String path = path(e);
            log.debug("{} params refused at {}", message.get("method").textValue(), path);
            return Optional.of(new InvalidMessage(InvalidMessage.INVALID_PARAMS, Envelope.validId(message.get("id")),
                    "Invalid params: " + path + " has the wrong type or value", !message.has("id")));
        } catch (Exception e) {
            log.debug("{} params refused: {}", message.get("method").textValue(), e.getClass().getSimpleName());
            return Optional.of(new InvalidMessage(InvalidMessage.INVALID_PARAMS, Envelope.validId(message.get("id")),
                    "Invalid params: params has the wrong shape", !message.has("id")));
        }
    }

    /** {@code params.capabilities.roots}: the member's path in the client's own JSON, never a Java name. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder("params");
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append('.').append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
