package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.policy.PolicyRequest;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests the relay answers itself rather than the SDK server: {@code completion/complete} and
 * {@code resources/subscribe|unsubscribe}. Each names a prompt or a resource, so each passes the policy for that
 * prompt or resource first (as {@code prompts/get} and {@code resources/read} do), then goes to the source that
 * offers it on the caller's own session with that source. Entries of the built-in source complete nothing and never
 * change, so they get an empty completion and a plain acknowledgement.
 */
final class RelayRequests {

    static final Set<String> METHODS = Set.of(McpSchema.METHOD_COMPLETION_COMPLETE, McpSchema.METHOD_RESOURCES_SUBSCRIBE,
            McpSchema.METHOD_RESOURCES_UNSUBSCRIBE);

    private static final Logger log = LoggerFactory.getLogger(RelayRequests.class);

    private final ToolCatalog catalog;
    private final ScopeGuard guard;

    RelayRequests(ToolCatalog catalog, ScopeGuard guard) {
        this.catalog = catalog;
        this.guard = guard;
    }

    /** The whole response message to one of {@link #METHODS} (a result or an error), under the request's id. */
    JsonNode handle(McpTransportContext context, CallerChannel caller, Object id, String method, JsonNode rawParams) {
        ObjectNode params = rawParams instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
        try {
            JsonNode response = McpSchema.METHOD_COMPLETION_COMPLETE.equals(method) ? complete(context, caller, params)
                    : subscription(context, caller, method, params);
            return RelayMessages.withId(response, id);
        } catch (McpError e) {
            return RelayMessages.error(id, e);
        } catch (Exception e) {
            log.warn("{} failed: {}", method, e.toString());
            return RelayMessages.error(id, McpSchema.ErrorCodes.INTERNAL_ERROR, method + " failed; the gateway logged the details", null);
        }
    }

    private JsonNode complete(McpTransportContext context, CallerChannel caller, ObjectNode params) throws Exception {
        JsonNode ref = params.path("ref");
        String type = ref.path("type").asText("");
        Object target;
        if ("ref/prompt".equals(type)) {
            String name = ref.path("name").asText("");
            guard.authorize(context, PolicyRequest.prompt(name, null));
            CatalogPrompt prompt = catalog.promptCatalog().find(name).orElseThrow(() -> invalid("Unknown prompt: " + name));
            target = prompt.handler();
            if (target instanceof SessionRelay.Relayed relayed) {
                ((ObjectNode) params.get("ref")).put("name", relayed.originalName());
            }
        } else if ("ref/resource".equals(type)) {
            String uri = ref.path("uri").asText("");
            target = resourceReader(context, uri, true);
        } else {
            throw invalid("completion/complete needs params.ref of type ref/prompt or ref/resource");
        }
        if (target instanceof SessionRelay.Relayed relayed && caller != null) {
            return relayed.relay().forward(caller, McpSchema.METHOD_COMPLETION_COMPLETE, params);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.putObject("completion").put("hasMore", false).putArray("values");
        return RelayMessages.result(null, result);
    }

    private JsonNode subscription(McpTransportContext context, CallerChannel caller, String method, ObjectNode params) throws Exception {
        String uri = params.path("uri").asText("");
        if (uri.isEmpty()) {
            throw invalid(method + " needs params.uri");
        }
        Object reader = resourceReader(context, uri, false);
        if (reader instanceof SessionRelay.Relayed relayed && caller != null) {
            return relayed.relay().forward(caller, method, params);
        }
        return RelayMessages.result(null, JsonNodeFactory.instance.objectNode());
    }

    /** The reader of a URI (or of a URI template, for completion) after the policy allowed the caller to read it. */
    private Object resourceReader(McpTransportContext context, String uri, boolean template) {
        ResourceCatalog resources = catalog.resourceCatalog();
        if (template) {
            for (CatalogResourceTemplate t : resources.templates()) {
                if (t.uriTemplate().equals(uri)) {
                    guard.authorize(context, PolicyRequest.resource(t.policyName().apply(uri), uri));
                    return t.reader();
                }
            }
        }
        ResourceCatalog.Route route = resources.route(uri).orElse(null);
        guard.authorize(context, PolicyRequest.resource(route == null ? uri : route.policyName(), uri));
        if (route == null) {
            throw McpError.builder(ResourceInvoker.RESOURCE_NOT_FOUND).message("Resource not found: " + uri).build();
        }
        return route.reader();
    }

    private static McpError invalid(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
    }
}
