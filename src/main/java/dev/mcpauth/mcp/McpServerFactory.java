package dev.mcpauth.mcp;

import dev.mcpauth.http.Json;
import dev.mcpauth.policy.ScopePolicy;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the SDK's MCP server over a transport from the gateway's {@link ToolCatalog} and {@link ScopePolicy}: one
 * tool spec per catalog tool (each guarded by {@link ToolInvoker}), {@code tools/list} filtered to what the caller's
 * scopes permit, and the tool set kept in step with the catalog ({@code notifications/tools/list_changed}).
 * Tools run on the thread that delivers the request (immediate execution): the transports deliver on virtual threads.
 * Arguments are checked by {@link ToolInvoker} (as on the 2026-07-28 front), structured results by the SDK through
 * {@link ToolSchemas}, both against schemas compiled once.
 */
public final class McpServerFactory {

    private final ToolCatalog catalog;
    private final String serverName;
    private final String serverVersion;
    private final ToolInvoker invoker;
    private final ToolSchemas schemas = new ToolSchemas();
    private final McpJsonMapper mapper = new JacksonMcpJsonMapper(Json.mapper());

    /**
     * @param scopeUpgradeEndpoint where a client can obtain more scopes (named in insufficient-scope errors); may be null
     */
    public McpServerFactory(ToolCatalog catalog, ScopePolicy policy, String serverName, String serverVersion,
            String scopeUpgradeEndpoint) {
        this(catalog, policy, serverName, serverVersion, scopeUpgradeEndpoint, Clock.systemUTC());
    }

    public McpServerFactory(ToolCatalog catalog, ScopePolicy policy, String serverName, String serverVersion,
            String scopeUpgradeEndpoint, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog);
        this.serverName = Objects.requireNonNull(serverName);
        this.serverVersion = Objects.requireNonNull(serverVersion);
        this.invoker = new ToolInvoker(catalog, Objects.requireNonNull(policy), scopeUpgradeEndpoint, clock, schemas);
    }

    /** A server with sessions over Streamable HTTP (e.g. {@link UndertowStreamableTransport}). */
    public GatewayMcpServer streamable(McpStreamableServerTransportProvider transport) {
        return sessionful(McpServer.sync(transport));
    }

    /** A server for one client over one connection (e.g. {@link StdioServerTransport}). */
    public GatewayMcpServer singleSession(McpServerTransportProvider transport) {
        return sessionful(McpServer.sync(transport));
    }

    /** A server without sessions ({@code --stateless}, e.g. {@link UndertowStatelessTransport}). */
    public GatewayMcpServer stateless(McpStatelessServerTransport transport) {
        Map<String, McpSchema.Tool> initial = snapshot();
        McpStatelessSyncServer server = McpServer.sync(transport)
                .serverInfo(serverName, serverVersion)
                .capabilities(capabilities())
                .jsonMapper(mapper)
                .jsonSchemaValidator(schemas)
                .validateToolInputs(false)
                .strictToolNameValidation(false)
                .immediateExecution(true)
                .addToolFilter(invoker::visible)
                .tools(initial.values().stream().map(this::statelessSpec).toList())
                .build();
        return new GatewayMcpServer(catalog, initial, tool -> server.addTool(statelessSpec(tool)),
                server::removeTool, server::closeGracefully);
    }

    private GatewayMcpServer sessionful(McpServer.SyncSpecification<?> spec) {
        Map<String, McpSchema.Tool> initial = snapshot();
        McpSyncServer server = spec
                .serverInfo(serverName, serverVersion)
                .capabilities(capabilities())
                .jsonMapper(mapper)
                .jsonSchemaValidator(schemas)
                .validateToolInputs(false)
                .strictToolNameValidation(false)
                .immediateExecution(true)
                .addToolFilter(invoker::visible)
                .tools(initial.values().stream().map(this::sessionSpec).toList())
                .build();
        return new GatewayMcpServer(catalog, initial, tool -> server.addTool(sessionSpec(tool)), server::removeTool,
                server::closeGracefully);
    }

    /** The tools the server starts with are given to the builder, so no list_changed precedes any session. */
    private Map<String, McpSchema.Tool> snapshot() {
        Map<String, McpSchema.Tool> tools = new LinkedHashMap<>();
        catalog.tools().forEach(t -> tools.put(t.name(), t.tool()));
        return tools;
    }

    /** Each spec only names its tool: the handler is found in the catalog at call time. */
    private McpServerFeatures.SyncToolSpecification sessionSpec(McpSchema.Tool tool) {
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) -> invoker.call(exchange.transportContext(), request));
    }

    private McpStatelessServerFeatures.SyncToolSpecification statelessSpec(McpSchema.Tool tool) {
        return new McpStatelessServerFeatures.SyncToolSpecification(tool, invoker::call);
    }

    /** Tools that can change at run time (upstreams come and go), and log messages to the client. */
    private static McpSchema.ServerCapabilities capabilities() {
        return McpSchema.ServerCapabilities.builder().tools(true).logging().build();
    }
}
