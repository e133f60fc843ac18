package dev.mcpauth.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import dev.mcpauth.policy.Policy;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one dispatch of the client requests every protocol era shares: {@code ping}, the four lists (only what the
 * caller's scopes permit, in a deterministic order), {@code tools/call}, {@code prompts/get} and
 * {@code resources/read} (through the invokers, which decide the policy). The fronts add only what is their era's:
 * {@code initialize} (2025 without sessions, {@link StatelessMcpHandler}), {@code server/discover}, MRTR and the
 * {@code resultType}/cache members (2026-07-28, {@code modern.ModernServer}). Results are JSON trees; a method's
 * failure is an {@link McpError}, malformed params a {@link BadParams}.
 */
public final class McpDispatch {

    private static final Logger log = LoggerFactory.getLogger(McpDispatch.class);
    private static final ObjectMapper JSON = Json.shared();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    /** Params that do not fit the method (JSON-RPC {@code -32602}); 2026-07-28 answers them with HTTP 400. */
    public static final class BadParams extends RuntimeException {
        BadParams(String message) {
            super(message, null, false, false);
        }
    }

    private final ToolCatalog catalog;
    private final ToolInvoker tools;
    private final PromptInvoker prompts;
    private final ResourceInvoker resources;

    /** @param scopeUpgradeEndpoint where a client gets more scopes (named in insufficient-scope errors); may be null */
    public McpDispatch(ToolCatalog catalog, Policy policy, String scopeUpgradeEndpoint, Clock clock, ToolSchemas schemas) {
        this.catalog = Objects.requireNonNull(catalog);
        this.tools = new ToolInvoker(catalog, Objects.requireNonNull(policy), scopeUpgradeEndpoint, clock, schemas);
        this.prompts = new PromptInvoker(catalog, policy, scopeUpgradeEndpoint, clock);
        this.resources = new ResourceInvoker(catalog, policy, scopeUpgradeEndpoint, clock);
    }

    public McpDispatch(ToolCatalog catalog, Policy policy, String scopeUpgradeEndpoint) {
        this(catalog, policy, scopeUpgradeEndpoint, Clock.systemUTC(), new ToolSchemas());
    }

    /** Whether this dispatch answers {@code method}; the front answers the others (its own, or -32601). */
    public static boolean answers(String method) {
        return switch (method) {
            case McpSchema.METHOD_PING, McpSchema.METHOD_TOOLS_LIST, McpSchema.METHOD_TOOLS_CALL, McpSchema.METHOD_PROMPT_LIST,
                    McpSchema.METHOD_PROMPT_GET, McpSchema.METHOD_RESOURCES_LIST, McpSchema.METHOD_RESOURCES_TEMPLATES_LIST,
                    McpSchema.METHOD_RESOURCES_READ -> true;
            default -> false;
        };
    }

    /**
     * The result of one request whose method {@link #answers}; {@code params} an object (missing params read as
     * empty).
     *
     * @throws McpError  the method's own failure (denied, unknown tool, upstream error)
     * @throws BadParams params that do not fit the method
     */
    public ObjectNode handle(String method, JsonNode params, McpTransportContext context) {
        return switch (method) {
            case McpSchema.METHOD_PING -> JsonNodeFactory.instance.objectNode();
            case McpSchema.METHOD_TOOLS_LIST -> list(params, "tools", visibleTools(context));
            case McpSchema.METHOD_PROMPT_LIST -> list(params, "prompts", visiblePrompts(context));
            case McpSchema.METHOD_RESOURCES_LIST -> list(params, "resources", visibleResources(context));
            case McpSchema.METHOD_RESOURCES_TEMPLATES_LIST -> list(params, "resourceTemplates", visibleTemplates(context));
            case McpSchema.METHOD_TOOLS_CALL -> JSON.valueToTree(tools.call(context, toolCall(params), params.get("arguments")));
            case McpSchema.METHOD_PROMPT_GET ->
                    JSON.valueToTree(prompts.get(context, new McpSchema.GetPromptRequest(target(method, params), arguments(params), meta(params))));
            case McpSchema.METHOD_RESOURCES_READ ->
                    JSON.valueToTree(resources.read(context, new McpSchema.ReadResourceRequest(target(method, params), meta(params))));
            default -> throw new IllegalArgumentException("not a method of the dispatch: " + method);
        };
    }

    /**
     * The JSON-RPC response to one request as the 2025 revisions answer it (always HTTP 200): the dispatch's result,
     * {@code -32601} for a method no one here answers, {@code -32602} for params that do not fit, the method's own
     * error, or a bare {@code -32603}; no error text that names Java internals leaves ({@link NeutralErrors}).
     */
    public JsonRpcReply answer(JsonNode id, String method, JsonNode params, McpTransportContext context) {
        try {
            if (!answers(method)) {
                return JsonRpcReply.error(200, id, McpSchema.ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + method, null);
            }
            return JsonRpcReply.result(id, handle(method, params, context));
        } catch (BadParams e) {
            return JsonRpcReply.error(200, id, McpSchema.ErrorCodes.INVALID_PARAMS, e.getMessage(), null);
        } catch (McpError e) {
            return failure(id, method, e);
        } catch (RuntimeException e) {
            // Whatever went wrong stays in the log; the client gets a JSON-RPC error, never the exception.
            log.warn("request {} failed: {}", method, e.toString());
            return JsonRpcReply.error(200, id, McpSchema.ErrorCodes.INTERNAL_ERROR, NeutralErrors.INTERNAL_ERROR, null);
        }
    }

    /** A method's own error as its response; one whose text names Java internals leaves as a bare internal error. */
    static JsonRpcReply failure(JsonNode id, String method, McpError e) {
        McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
        if (NeutralErrors.leaks(error)) {
            log.warn("a reply to {} carried internal details; sent as a bare internal error instead: {}", method, NeutralErrors.oneLine(error.message()));
            return JsonRpcReply.error(200, id, McpSchema.ErrorCodes.INTERNAL_ERROR, NeutralErrors.INTERNAL_ERROR, null);
        }
        return JsonRpcReply.error(200, id, error.code(), error.message(), JSON.valueToTree(error.data()));
    }

    /**
     * Tools, prompts and resources, each of which can change at run time (upstreams come and go): what every 2025
     * front serves. {@code resourceSubscriptions}: whether {@code resources/subscribe} is relayed (sessions only).
     */
    static ObjectNode offeredCapabilities(boolean resourceSubscriptions) {
        ObjectNode capabilities = JsonNodeFactory.instance.objectNode();
        capabilities.putObject("prompts").put("listChanged", true);
        capabilities.putObject("resources").put("subscribe", resourceSubscriptions).put("listChanged", true);
        capabilities.putObject("tools").put("listChanged", true);
        return capabilities;
    }

    /**
     * The result of {@code initialize}: the client's version when this server speaks it, else the newest it does
     * (lifecycle, "Version Negotiation"), what is served, and who serves it.
     */
    public static ObjectNode initializeResult(JsonNode params, ObjectNode capabilities, ObjectNode serverInfo) {
        List<String> versions = UndertowStreamableTransport.PROTOCOL_VERSIONS;
        String asked = params.path("protocolVersion").asText("");
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("protocolVersion", versions.contains(asked) ? asked : versions.getLast());
        result.set("capabilities", capabilities.deepCopy());
        result.set("serverInfo", serverInfo.deepCopy());
        return result;
    }

    /** The {@code tools/call} request in params, checked: a non-empty name, arguments an object if present. */
    public static McpSchema.CallToolRequest toolCall(JsonNode params) {
        return new McpSchema.CallToolRequest(target(McpSchema.METHOD_TOOLS_CALL, params), arguments(params), meta(params));
    }

    /**
     * What a {@code tools/call}, {@code prompts/get} or {@code resources/read} names (the tool's or the prompt's name,
     * the resource's URI), checked as {@link #handle} checks it: a non-empty name and arguments an object if present,
     * or a non-empty URI.
     *
     * @throws BadParams when it names nothing
     */
    public static String target(String method, JsonNode params) {
        return switch (method) {
            case McpSchema.METHOD_TOOLS_CALL -> checkNamed(params, method, "the tool's name");
            case McpSchema.METHOD_PROMPT_GET -> checkNamed(params, method, "the prompt's name");
            case McpSchema.METHOD_RESOURCES_READ -> {
                JsonNode uri = params.path("uri");
                if (!uri.isTextual() || uri.asText().isEmpty()) {
                    throw new BadParams("Invalid params: resources/read needs params.uri, the resource's URI");
                }
                yield uri.asText();
            }
            default -> throw new IllegalArgumentException("names no tool, prompt or resource: " + method);
        };
    }

    /** The request's own {@code _meta} (progress token, trace context), or null when it has none. */
    private static Map<String, Object> meta(JsonNode params) {
        JsonNode meta = params.path("_meta");
        return meta.isObject() ? JSON.convertValue(meta, OBJECT) : null;
    }

    /** Whether the list a method returns depends on who asks (some entry needs a scope): what may cache it. */
    public boolean listDependsOnCaller(String method) {
        return switch (method) {
            case McpSchema.METHOD_TOOLS_LIST -> tools.listDependsOnCaller();
            case McpSchema.METHOD_PROMPT_LIST -> prompts.listDependsOnCaller();
            default -> resources.listDependsOnCaller();
        };
    }

    /** The tools, prompts, resources and templates this caller may see, in name (URI) order. */
    public List<McpSchema.Tool> visibleTools(McpTransportContext context) {
        return catalog.tools().stream().map(CatalogTool::tool).filter(t -> tools.visible(context, t)).toList();
    }

    public List<McpSchema.Prompt> visiblePrompts(McpTransportContext context) {
        return catalog.promptCatalog().prompts().stream().map(CatalogPrompt::prompt).filter(p -> prompts.visible(context, p)).toList();
    }

    public List<McpSchema.Resource> visibleResources(McpTransportContext context) {
        return catalog.resourceCatalog().resources().stream().map(CatalogResource::resource)
                .filter(r -> resources.visible(context, r)).toList();
    }

    public List<McpSchema.ResourceTemplate> visibleTemplates(McpTransportContext context) {
        return catalog.resourceCatalog().templates().stream().map(CatalogResourceTemplate::template)
                .filter(t -> resources.visible(context, t)).toList();
    }

    /** The invokers, for the SDK's session server, which still dispatches on its own. */
    public ToolInvoker tools() {
        return tools;
    }

    PromptInvoker prompts() {
        return prompts;
    }

    ResourceInvoker resources() {
        return resources;
    }

    /** One page holding every entry: the gateway does not paginate, so any cursor is one it never gave. */
    private static ObjectNode list(JsonNode params, String member, List<?> entries) {
        if (params.has("cursor") && !params.path("cursor").isNull()) {
            throw new BadParams("Invalid params: unknown cursor; this server returns every entry in one page, so list without a cursor");
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set(member, JSON.valueToTree(entries));
        return result;
    }

    /** The request's name, after checking it and its arguments. */
    private static String checkNamed(JsonNode params, String method, String nameIs) {
        JsonNode name = params.path("name");
        if (!name.isTextual() || name.asText().isEmpty()) {
            throw new BadParams("Invalid params: " + method + " needs params.name, " + nameIs);
        }
        JsonNode arguments = params.path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isObject()) {
            throw new BadParams("Invalid params: params.arguments must be an object");
        }
        return name.asText();
    }

    private static Map<String, Object> arguments(JsonNode params) {
        JsonNode arguments = params.path("arguments");
        return arguments.isObject() ? JSON.convertValue(arguments, OBJECT) : Map.of();
    }
}
