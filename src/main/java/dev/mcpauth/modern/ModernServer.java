package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import dev.mcpauth.mcp.McpDispatch;
import dev.mcpauth.mcp.ResourceInvoker;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Policy;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's MCP server for the 2026-07-28 (stateless) revision: each request is answered from itself alone,
 * with no session and no initialize. The methods every era shares (the four lists, {@code tools/call},
 * {@code prompts/get}, {@code resources/read}) go to {@link McpDispatch}, the one dispatch the 2025 stateless front
 * uses too; this class adds what is the revision's own: {@code server/discover}, MRTR input requests and progress
 * streams for {@code tools/call}, {@code prompts/get} and {@code resources/read} ({@link ModernInputRelay}), and the
 * members every result carries ({@code resultType: "complete"}, the server's identity in {@code _meta},
 * {@code ttlMs}/{@code cacheScope} on lists).
 * Transport-independent: the HTTP front ({@link ModernMcpHandler}) and stdio wrap it.
 */
public final class ModernServer implements AutoCloseable {

    private static final ObjectMapper JSON = Json.shared();

    private final McpDispatch dispatch;
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
        this(catalog, new McpDispatch(catalog, policy, scopeUpgradeEndpoint), serverName, serverVersion, listTtl);
    }

    /** A server over the process's one {@link McpDispatch} (shared with the 2025 front). */
    public ModernServer(ToolCatalog catalog, McpDispatch dispatch, String serverName, String serverVersion, Duration listTtl) {
        this.dispatch = Objects.requireNonNull(dispatch);
        this.serverInfo = JsonNodeFactory.instance.objectNode().put("name", serverName).put("version", serverVersion);
        this.listTtl = Objects.requireNonNull(listTtl);
        this.subscriptions = new ListSubscriptions(catalog);
        this.inputs = new ModernInputRelay(catalog);
    }

    /** Answers one modern request (its envelope already checked by {@link RequestEnvelope}). */
    public JsonRpcReply handle(JsonNode request, McpTransportContext context) {
        return handle(request, context, null);
    }

    /**
     * Answers one modern request; while a relayed request runs, the upstream's progress and log messages the
     * request asked for go to {@code stream} (null: the front can carry none, and the answer is all there is).
     */
    JsonRpcReply handle(JsonNode request, McpTransportContext context, RequestStream stream) {
        JsonNode id = request.path("id");
        String method = request.path("method").asText();
        JsonNode params = request.path("params");
        return switch (method) {
            case ModernProtocol.SERVER_DISCOVER -> JsonRpcReply.result(id, discover());
            case ModernProtocol.TOOLS_CALL, ModernProtocol.PROMPTS_GET, ModernProtocol.RESOURCES_READ ->
                    relayable(id, method, params, context, stream);
            case ModernProtocol.TOOLS_LIST, ModernProtocol.PROMPTS_LIST, ModernProtocol.RESOURCES_LIST,
                    ModernProtocol.RESOURCES_TEMPLATES_LIST -> dispatched(id, method, params, context);
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
        ObjectNode result = complete(JsonNodeFactory.instance.objectNode());
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
     * A method of the shared dispatch, with this revision's members. A list is cacheable, {@code cacheScope} private
     * whenever the policy makes it depend on who asks, so a shared cache never shows one caller's list to another; a
     * read is cacheable too, but immediately stale and private (its content is the upstream's and may depend on who
     * asks). "Resource not found" is {@code -32602} in this revision (changelog).
     */
    private JsonRpcReply dispatched(JsonNode id, String method, JsonNode params, McpTransportContext context) {
        try {
            return JsonRpcReply.result(id, finished(method, dispatch.handle(method, params, context)));
        } catch (McpDispatch.BadParams e) {
            return JsonRpcReply.error(400, id, ModernProtocol.INVALID_PARAMS, e.getMessage(), null);
        } catch (McpError e) {
            return failed(id, e);
        }
    }

    /** A method's result with this revision's members. */
    private ObjectNode finished(String method, ObjectNode result) {
        complete(result);
        switch (method) {
            case ModernProtocol.TOOLS_CALL, ModernProtocol.PROMPTS_GET -> {
            }
            case ModernProtocol.RESOURCES_READ -> {
                result.put("ttlMs", 0);
                result.put("cacheScope", "private");
            }
            default -> cacheable(result, dispatch.listDependsOnCaller(method) ? "private" : "public");
        }
        return result;
    }

    /**
     * A {@code tools/call}, {@code prompts/get} or {@code resources/read}: on the caller's own upstream connection
     * ({@link ModernInputRelay}) when the client can give input or asks to hear progress or log messages, so what the
     * upstream asks or says while it works reaches this client; else through the shared dispatch.
     */
    private JsonRpcReply relayable(JsonNode id, String method, JsonNode params, McpTransportContext context, RequestStream stream) {
        if (!params.has("requestState") && !inputs.applies(params, stream)) {
            return dispatched(id, method, params, context);
        }
        try {
            String target = McpDispatch.target(method, params);
            ModernInputRelay.Outcome outcome = params.has("requestState") ? inputs.resume(method, target, params, context, stream)
                    : inputs.start(id, method, target, params, context, stream, withChannel -> dispatch.handle(method, params, withChannel));
            return switch (outcome) {
                case ModernInputRelay.Completed completed -> JsonRpcReply.result(id, finished(method, completed.result()));
                case ModernInputRelay.Failed failed -> failed(id, failed.error());
                case ModernInputRelay.NeedsInput needs -> {
                    needs.result().putObject("_meta").set(ModernProtocol.SERVER_INFO_META, serverInfo.deepCopy());
                    yield JsonRpcReply.result(id, needs.result());
                }
            };
        } catch (McpDispatch.BadParams e) {
            return JsonRpcReply.error(400, id, ModernProtocol.INVALID_PARAMS, e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JsonRpcReply.error(200, id, McpSchema.ErrorCodes.INTERNAL_ERROR, "The gateway is stopping", null);
        } catch (McpError e) {
            return failed(id, e);
        }
    }

    private static JsonRpcReply failed(JsonNode id, McpError e) {
        McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
        return JsonRpcReply.error(200, id, code(error.code()), error.message(), JSON.valueToTree(error.data()));
    }

    /** An error code as this revision has it: "Resource not found" is {@code -32602} (changelog). */
    private static int code(int code) {
        return code == ResourceInvoker.RESOURCE_NOT_FOUND ? ModernProtocol.INVALID_PARAMS : code;
    }

    /** 404 with -32601: what the 2026-07-28 transport requires for a method the server does not implement. */
    private static JsonRpcReply methodNotFound(JsonNode id, String method) {
        return JsonRpcReply.error(404, id, ModernProtocol.METHOD_NOT_FOUND, "Method not found: " + method
                + " (this server offers server/discover, tools/list, tools/call, prompts/list, prompts/get, resources/list,"
                + " resources/templates/list, resources/read and subscriptions/listen)", null);
    }

    /** {@code result} marked complete and naming this server in {@code _meta}. */
    private ObjectNode complete(ObjectNode result) {
        result.put("resultType", "complete");
        result.with("_meta").set(ModernProtocol.SERVER_INFO_META, serverInfo.deepCopy());
        return result;
    }

    private void cacheable(ObjectNode result, String scope) {
        result.put("ttlMs", listTtl.toMillis());
        result.put("cacheScope", scope);
    }

    /** What this caller may see of one kind of list: what that kind's list_changed is about. */
    List<?> visible(ListenKind kind, McpTransportContext context) {
        return switch (kind) {
            case TOOLS -> dispatch.visibleTools(context);
            case PROMPTS -> dispatch.visiblePrompts(context);
            // Resources and their templates: either changing is a resources/list_changed.
            case RESOURCES -> List.of(dispatch.visibleResources(context), dispatch.visibleTemplates(context));
        };
    }
}
