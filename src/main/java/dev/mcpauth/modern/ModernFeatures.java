package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.mcp.CatalogPrompt;
import dev.mcpauth.mcp.CatalogResource;
import dev.mcpauth.mcp.CatalogResourceTemplate;
import dev.mcpauth.mcp.PromptInvoker;
import dev.mcpauth.mcp.ResourceInvoker;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Policy;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The prompts and resources of the {@link ModernServer} (MCP 2026-07-28): {@code prompts/list},
 * {@code resources/list} and {@code resources/templates/list} filtered by the caller's scopes, in a deterministic
 * order and cacheable like {@code tools/list}; {@code prompts/get} and {@code resources/read} through the invokers,
 * which check the policy again. A read is cacheable too, but immediately stale and private: its content is the
 * upstream's and may depend on who asks. "Resource not found" is {@code -32602} in this revision (changelog).
 */
final class ModernFeatures {

    private static final ObjectMapper JSON = Json.shared();

    private final ModernServer server;
    private final ToolCatalog catalog;
    private final PromptInvoker prompts;
    private final ResourceInvoker resources;

    ModernFeatures(ModernServer server, ToolCatalog catalog, Policy policy, String scopeUpgradeEndpoint) {
        this.server = server;
        this.catalog = catalog;
        this.prompts = new PromptInvoker(catalog, policy, scopeUpgradeEndpoint, Clock.systemUTC());
        this.resources = new ResourceInvoker(catalog, policy, scopeUpgradeEndpoint, Clock.systemUTC());
    }

    /** prompts/list, resources/list or resources/templates/list: one page, only what the caller may use. */
    ModernReply list(JsonNode id, String method, JsonNode params, McpTransportContext context) {
        if (params.has("cursor") && !params.path("cursor").isNull()) {
            return ModernReply.error(200, id, ModernProtocol.INVALID_PARAMS,
                    "Invalid params: unknown cursor; this server returns every entry in one page, so list without a cursor", null);
        }
        ObjectNode result = server.complete();
        boolean dependsOnCaller;
        switch (method) {
            case ModernProtocol.PROMPTS_LIST -> {
                result.set("prompts", JSON.valueToTree(visiblePrompts(context)));
                dependsOnCaller = prompts.listDependsOnCaller();
            }
            case ModernProtocol.RESOURCES_LIST -> {
                result.set("resources", JSON.valueToTree(visibleResources(context)));
                dependsOnCaller = resources.listDependsOnCaller();
            }
            default -> {
                result.set("resourceTemplates", JSON.valueToTree(visibleTemplates(context)));
                dependsOnCaller = resources.listDependsOnCaller();
            }
        }
        server.cacheable(result, dependsOnCaller ? "private" : "public");
        return ModernReply.result(id, result);
    }

    /** The prompts this caller may see, in catalog order. */
    List<McpSchema.Prompt> visiblePrompts(McpTransportContext context) {
        return catalog.promptCatalog().prompts().stream().map(CatalogPrompt::prompt).filter(p -> prompts.visible(context, p)).toList();
    }

    /** The resources this caller may see, in catalog order. */
    List<McpSchema.Resource> visibleResources(McpTransportContext context) {
        return catalog.resourceCatalog().resources().stream().map(CatalogResource::resource)
                .filter(r -> resources.visible(context, r)).toList();
    }

    /** The resource templates this caller may see, in catalog order. */
    List<McpSchema.ResourceTemplate> visibleTemplates(McpTransportContext context) {
        return catalog.resourceCatalog().templates().stream().map(CatalogResourceTemplate::template)
                .filter(t -> resources.visible(context, t)).toList();
    }

    ModernReply getPrompt(JsonNode id, JsonNode params, McpTransportContext context) {
        ModernReply invalid = NamedParams.invalid(id, params, "prompts/get", "the prompt's name");
        if (invalid != null) {
            return invalid;
        }
        McpSchema.GetPromptRequest request = new McpSchema.GetPromptRequest(NamedParams.name(params), NamedParams.arguments(params));
        return answer(id, () -> JSON.valueToTree(prompts.get(context, request)));
    }

    ModernReply readResource(JsonNode id, JsonNode params, McpTransportContext context) {
        JsonNode uri = params.path("uri");
        if (!uri.isTextual() || uri.asText().isEmpty()) {
            return ModernReply.error(400, id, ModernProtocol.INVALID_PARAMS, "Invalid params: resources/read needs params.uri, the resource's URI", null);
        }
        return answer(id, () -> {
            ObjectNode body = JSON.valueToTree(resources.read(context, new McpSchema.ReadResourceRequest(uri.asText())));
            body.put("ttlMs", 0);
            body.put("cacheScope", "private");
            return body;
        });
    }

    /** The result with {@code resultType} and the server's identity, or the invoker's JSON-RPC error. */
    private ModernReply answer(JsonNode id, Supplier<ObjectNode> call) {
        try {
            ObjectNode body = call.get();
            body.put("resultType", "complete");
            body.with("_meta").set(ModernProtocol.SERVER_INFO_META, server.serverInfo());
            return ModernReply.result(id, body);
        } catch (McpError e) {
            McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
            int code = error.code() == ResourceInvoker.RESOURCE_NOT_FOUND ? ModernProtocol.INVALID_PARAMS : error.code();
            return ModernReply.error(200, id, code, error.message(), JSON.valueToTree(error.data()));
        }
    }
}
