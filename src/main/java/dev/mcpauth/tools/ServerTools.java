package dev.mcpauth.tools;

import static dev.mcpauth.tools.Schemas.props;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Decision;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Tools about the server itself, open to any valid token: {@code get_server_info}, {@code health_check},
 * {@code get_oauth_metadata} and {@code list_tool_scopes}.
 */
public final class ServerTools {

    public static final String GET_SERVER_INFO = "get_server_info";
    public static final String HEALTH_CHECK = "health_check";
    public static final String GET_OAUTH_METADATA = "get_oauth_metadata";
    public static final String LIST_TOOL_SCOPES = "list_tool_scopes";

    private final ServerInfo info;
    private final ToolCatalog catalog;
    private final Policy policy;
    private final Supplier<Map<String, Object>> protectedResourceMetadata;
    private final Clock clock;
    private final Instant startedAt;

    /**
     * @param catalog                   the live catalog (read at call time, so upstream tools added later show up)
     * @param policy                    the policy that guards every call
     * @param protectedResourceMetadata the RFC 9728 document the server publishes at /.well-known/oauth-protected-resource
     */
    public ServerTools(ServerInfo info, ToolCatalog catalog, Policy policy, Supplier<Map<String, Object>> protectedResourceMetadata) {
        this(info, catalog, policy, protectedResourceMetadata, Clock.systemUTC());
    }

    public ServerTools(ServerInfo info, ToolCatalog catalog, Policy policy, Supplier<Map<String, Object>> protectedResourceMetadata,
                       Clock clock) {
        this.info = info;
        this.catalog = catalog;
        this.policy = policy;
        this.protectedResourceMetadata = protectedResourceMetadata;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public List<CatalogTool> tools() {
        return List.of(getServerInfo(), healthCheck(), getOauthMetadata(), listToolScopes());
    }

    public CatalogTool getServerInfo() {
        return tool(GET_SERVER_INFO, "Get server info",
                "Describes this MCP server: name, version, protocol versions, how callers authenticate, its MCP endpoint and Java version.",
                Schemas.object(props(
                        "name", Schemas.type("string", "Server name"),
                        "version", Schemas.type("string", "Server version"),
                        "protocol_versions", Schemas.stringArray("MCP protocol versions spoken, newest first"),
                        "auth_mode", Schemas.type("string", "How callers are authenticated"),
                        "mcp_endpoint", Schemas.type("string", "The canonical MCP endpoint URL"),
                        "java_version", Schemas.type("string", "Java runtime version")),
                        List.of("name", "version", "protocol_versions", "auth_mode", "mcp_endpoint", "java_version")),
                call -> {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("name", info.name());
                    result.put("version", info.version());
                    result.put("protocol_versions", info.protocolVersions());
                    result.put("auth_mode", info.authMode());
                    result.put("mcp_endpoint", info.mcpEndpoint());
                    result.put("java_version", info.javaVersion());
                    return Results.structured(result);
                });
    }

    public CatalogTool healthCheck() {
        return tool(HEALTH_CHECK, "Health check", "Reports that the server is up, for how long, and how many tools it exposes.",
                Schemas.object(props(
                        "status", Map.of("type", "string", "enum", List.of("ok")),
                        "uptime", Schemas.type("string", "Time since start, ISO-8601 duration"),
                        "uptime_seconds", Schemas.type("integer", "Time since start in seconds"),
                        "tool_count", Schemas.type("integer", "Tools in the catalog, from every source")),
                        List.of("status", "uptime", "uptime_seconds", "tool_count")),
                call -> {
                    Duration uptime = Duration.between(startedAt, clock.instant());
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("status", "ok");
                    result.put("uptime", uptime.withNanos(0).toString());
                    result.put("uptime_seconds", uptime.toSeconds());
                    result.put("tool_count", catalog.tools().size());
                    return Results.structured(result);
                });
    }

    public CatalogTool getOauthMetadata() {
        return tool(GET_OAUTH_METADATA, "Get OAuth metadata",
                "Returns the OAuth 2.0 Protected Resource Metadata (RFC 9728) this server publishes: its resource identifier, "
                        + "authorization servers and supported scopes.",
                Schemas.openObject(props(
                        "resource", Schemas.type("string", "The protected resource's identifier"),
                        "authorization_servers", Schemas.stringArray("Issuers of the authorization servers"),
                        "scopes_supported", Schemas.stringArray("Scopes this resource understands")),
                        List.of("resource")),
                call -> Results.structured(new LinkedHashMap<>(protectedResourceMetadata.get())));
    }

    public CatalogTool listToolScopes() {
        Map<String, Object> entry = Schemas.object(props(
                "name", Schemas.type("string", "Tool name"),
                "title", Schemas.nullable("string", "Tool title"),
                "required_scopes", Schemas.stringArray("Every scope the tool needs"),
                "allowed", Schemas.type("boolean", "Whether the caller's token holds them all"),
                "missing_scopes", Schemas.stringArray("Required scopes the caller lacks")),
                List.of("name", "title", "required_scopes", "allowed", "missing_scopes"));
        return tool(LIST_TOOL_SCOPES, "List tool scopes",
                "Lists every tool on this server with the scopes it requires and whether your token may call it, "
                        + "including tools you cannot call (ask for the missing scopes to use them).",
                Schemas.object(props(
                        "caller_scopes", Schemas.stringArray("The scopes your token holds"),
                        "tools", Schemas.arrayOf(entry, "Every tool, sorted by name")),
                        List.of("caller_scopes", "tools")),
                this::scopesFor);
    }

    private CallToolResult scopesFor(ToolCall call) {
        Set<String> granted = call.caller().scopes();
        List<Map<String, Object>> tools = new ArrayList<>();
        for (CatalogTool tool : catalog.tools()) {
            // A listing: the caller's scopes (with the hierarchy) and claims-only conditions, nothing charged.
            Decision decision = policy.decide(call.caller(), PolicyRequest.listing(PolicyRequest.Kind.TOOL, tool.name()));
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("name", tool.name());
            described.put("title", tool.tool().title());
            described.put("required_scopes", List.copyOf(decision.required()));
            described.put("allowed", decision.allowed());
            described.put("missing_scopes", List.copyOf(decision.missing()));
            tools.add(described);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("caller_scopes", List.copyOf(new TreeSet<>(granted)));
        result.put("tools", tools);
        return Results.structured(result);
    }

    private static CatalogTool tool(String name, String title, String description, Map<String, Object> outputSchema, Results.Body body) {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(name)
                .title(title)
                .description(description)
                .inputSchema(Schemas.noArguments())
                .outputSchema(outputSchema)
                .annotations(McpSchema.ToolAnnotations.builder().title(title).readOnlyHint(true)
                        .destructiveHint(false).idempotentHint(true).openWorldHint(false).build())
                .build();
        return new CatalogTool(tool, Results.guarded(call -> {
            Arguments.of(call.arguments(), Set.of());
            return body.call(call);
        }));
    }
}
