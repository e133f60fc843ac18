package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.mcp.ToolInvoker;
import dev.mcpauth.policy.Policy;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's MCP server for the 2026-07-28 (stateless) revision, serving the {@link ToolCatalog} directly: each
 * request is answered from itself alone, with no session and no initialize. Methods: {@code server/discover},
 * {@code tools/list} (filtered by the caller's scopes, in name order, cacheable) and {@code tools/call} (through
 * {@link ToolInvoker}, which checks the policy again); {@code prompts/list}, {@code prompts/get},
 * {@code resources/list}, {@code resources/templates/list} and {@code resources/read} likewise (through
 * {@link ModernFeatures}). Every result carries {@code resultType: "complete"} and the server's identity in {@code _meta}.
 * Transport-independent: the HTTP front ({@link ModernMcpHandler}) and stdio wrap it.
 */
public final class ModernServer implements AutoCloseable {

    private static final ObjectMapper JSON = Json.shared();

    private final ToolCatalog catalog;
    private final Policy policy;
    private final ToolInvoker invoker;
    private final ModernFeatures features;
    private final ModernInputRelay inputs;
    private final ObjectNode serverInfo;
    private final Duration listTtl;
    private final ListSubscriptions subscriptions;

    /**
     * @param scopeUpgradeEndpoint where a client gets more scopes (named in insufficient-scope errors); may be null
     * @param listTtl              how long a client may cache {@code tools/list} and {@code server/discover}
     */
    public ModernServer(ToolCatalog catalog, Policy policy, String serverName, String serverVersion, String scopeUpgradeEndpoint,
            Duration listTtl) {
        this.catalog = Objects.requireNonNull(catalog);
        this.policy = Objects.requireNonNull(policy);
        this.invoker = new ToolInvoker(catalog, policy, scopeUpgradeEndpoint, Clock.systemUTC());
        this.serverInfo = JsonNodeFactory.instance.objectNode().put("name", serverName).put("version", serverVersion);
        this.listTtl = Objects.requireNonNull(listTtl);
        this.subscriptions = new ListSubscriptions(catalog);
        this.features = new ModernFeatures(this, catalog, policy, scopeUpgradeEndpoint);
        this.inputs = new ModernInputRelay(catalog);
    }

    /** Answers one modern request (its envelope already checked by {@link RequestEnvelope}). */
    public ModernReply handle(JsonNode request, McpTransportContext context) {
        return handle(request, context, null);
    }

    /**
     * Answers one modern request; while a {@code tools/call} runs, the upstream's progress and log messages the
     * request asked for go to {@code stream} (null: the front can carry none, and the answer is all there is).
     */
    ModernReply handle(JsonNode request, McpTransportContext context, RequestStream stream) {
        JsonNode id = request.path("id");
        String method = request.path("method").asText();
        return switch (method) {
            case ModernProtocol.SERVER_DISCOVER -> ModernReply.result(id, discover());
            case ModernProtocol.TOOLS_LIST -> listTools(id, request.path("params"), context);
            case ModernProtocol.TOOLS_CALL -> callTool(id, request.path("params"), context, stream);
            case ModernProtocol.PROMPTS_LIST, ModernProtocol.RESOURCES_LIST, ModernProtocol.RESOURCES_TEMPLATES_LIST ->
                    features.list(id, method, request.path("params"), context);
            case ModernProtocol.PROMPTS_GET -> features.getPrompt(id, request.path("params"), context);
            case ModernProtocol.RESOURCES_READ -> features.readResource(id, request.path("params"), context);
            default -> methodNotFound(id, method);
        };
    }

    /** Change notifications for {@code subscriptions/listen}. */
    public ListSubscriptions subscriptions() {
        return subscriptions;
    }

    /** Ends every open subscription gracefully (server shutdown) and stops following the catalog. */
    @Override
    public void close() {
        subscriptions.close();
        inputs.close();
    }

    /** server/discover: versions, capabilities, identity (server/discover). Nothing in it depends on the caller. */
    ObjectNode discover() {
        ObjectNode result = complete();
        ArrayNode versions = result.putArray("supportedVersions");
        ModernProtocol.SUPPORTED_VERSIONS.forEach(versions::add);
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", true);
        // subscriptions/listen relays changes of all three lists (ListenKind); resource subscriptions are not offered.
        capabilities.putObject("prompts").put("listChanged", true);
        capabilities.putObject("resources").put("listChanged", true);
        result.put("instructions", "An authenticating gateway: each tool needs the OAuth scopes its policy names; "
                + "a call beyond the token's scopes is refused with 403 insufficient_scope and the scopes to ask for.");
        cacheable(result, "public");
        return result;
    }

    /**
     * tools/list: only the tools the caller's scopes permit, in name order (deterministic, for client caches).
     * {@code cacheScope} is private whenever the policy makes the list depend on who asks, so a shared cache never
     * shows one caller's list to another.
     */
    private ModernReply listTools(JsonNode id, JsonNode params, McpTransportContext context) {
        if (params.has("cursor") && !params.path("cursor").isNull()) {
            return ModernReply.error(200, id, ModernProtocol.INVALID_PARAMS,
                    "Invalid params: unknown cursor; this server returns every tool in one page, so list without a cursor", null);
        }
        ObjectNode result = complete();
        ArrayNode tools = result.putArray("tools");
        boolean dependsOnCaller = false;
        for (CatalogTool tool : catalog.tools()) {
            dependsOnCaller |= policy.dependsOnCaller(tool.name());
            if (invoker.visible(context, tool.tool())) {
                tools.add(JSON.<JsonNode>valueToTree(tool.tool()));
            }
        }
        cacheable(result, dependsOnCaller ? "private" : "public");
        return ModernReply.result(id, result);
    }

    private ModernReply callTool(JsonNode id, JsonNode params, McpTransportContext context, RequestStream stream) {
        ModernReply invalid = NamedParams.invalid(id, params, "tools/call", "the tool's name");
        if (invalid != null) {
            return invalid;
        }
        McpSchema.CallToolRequest request = new McpSchema.CallToolRequest(NamedParams.name(params), NamedParams.arguments(params),
                NamedParams.meta(params));
        try {
            if (params.has("requestState") || inputs.applies(params, stream)) {
                ModernInputRelay.Outcome outcome = params.has("requestState") ? inputs.resume(params, context, stream)
                        : inputs.start(id, request.name(), params, context, stream, withChannel -> invoker.call(withChannel, request));
                return switch (outcome) {
                    case ModernInputRelay.Completed completed -> completed(id, completed.result());
                    case ModernInputRelay.Failed failed -> ModernReply.error(200, id, failed.code(), failed.message(), null);
                    case ModernInputRelay.NeedsInput needs -> {
                        needs.result().putObject("_meta").set(ModernProtocol.SERVER_INFO_META, serverInfo.deepCopy());
                        yield ModernReply.result(id, needs.result());
                    }
                };
            }
            return completed(id, invoker.call(context, request));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ModernReply.error(200, id, McpSchema.ErrorCodes.INTERNAL_ERROR, "The gateway is stopping", null);
        } catch (McpError e) {
            McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
            return ModernReply.error(200, id, error.code(), error.message(), JSON.valueToTree(error.data()));
        }
    }

    private ModernReply completed(JsonNode id, McpSchema.CallToolResult result) {
        ObjectNode body = JSON.valueToTree(result);
        body.put("resultType", "complete");
        body.with("_meta").set(ModernProtocol.SERVER_INFO_META, serverInfo.deepCopy());
        return ModernReply.result(id, body);
    }

    /** 404 with -32601: what the 2026-07-28 transport requires for a method the server does not implement. */
    private static ModernReply methodNotFound(JsonNode id, String method) {
        return ModernReply.error(404, id, ModernProtocol.METHOD_NOT_FOUND, "Method not found: " + method
                + " (this server offers server/discover, tools/list, tools/call, prompts/list, prompts/get, resources/list,"
                + " resources/templates/list, resources/read and subscriptions/listen)", null);
    }

    ObjectNode complete() {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("resultType", "complete");
        result.putObject("_meta").set(ModernProtocol.SERVER_INFO_META, serverInfo.deepCopy());
        return result;
    }

    void cacheable(ObjectNode result, String scope) {
        result.put("ttlMs", listTtl.toMillis());
        result.put("cacheScope", scope);
    }

    /** The identity every result names in {@code _meta}. */
    ObjectNode serverInfo() {
        return serverInfo.deepCopy();
    }

    /** The descriptors of the tools this caller may see, in name order: what a list_changed is about. */
    java.util.List<McpSchema.Tool> visibleTools(McpTransportContext context) {
        return catalog.tools().stream().map(CatalogTool::tool).filter(t -> invoker.visible(context, t)).toList();
    }

    /** What this caller may see of one kind of list: what that kind's list_changed is about. */
    java.util.List<?> visible(ListenKind kind, McpTransportContext context) {
        return switch (kind) {
            case TOOLS -> visibleTools(context);
            case PROMPTS -> features.visiblePrompts(context);
            // Resources and their templates: either changing is a resources/list_changed.
            case RESOURCES -> java.util.List.of(features.visibleResources(context), features.visibleTemplates(context));
        };
    }
}
