package dev.mcpauth.mcp;

import dev.mcpauth.json.Json;
import dev.mcpauth.policy.Policy;
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
import java.util.Objects;

/**
 * Builds the SDK's MCP server over a transport from the gateway's {@link ToolCatalog} and {@link Policy}: one
 * spec per catalog tool, prompt, resource and resource template (each guarded by its invoker), every list filtered
 * to what the caller's scopes permit, and the sets kept in step with the catalog ({@code list_changed}). The SDK
 * filters {@code tools/list} itself; the other lists are narrowed on the reply path ({@link CallerLists}).
 * Handlers run on the thread that delivers the request (immediate execution): the transports deliver on virtual threads.
 * Arguments are checked by {@link ToolInvoker} (as on the 2026-07-28 front), structured results by the SDK through
 * {@link ToolSchemas}, both against schemas compiled once.
 */
public final class McpServerFactory {

    private final ToolCatalog catalog;
    private final String serverName;
    private final String serverVersion;
    private final ToolInvoker invoker;
    private final PromptInvoker prompts;
    private final ResourceInvoker resources;
    private final CallerLists lists;
    private final ScopeGuard guard;
    private final ToolSchemas schemas = new ToolSchemas();
    private final McpJsonMapper mapper = new JacksonMcpJsonMapper(Json.shared());

    /**
     * @param scopeUpgradeEndpoint where a client can obtain more scopes (named in insufficient-scope errors); may be null
     */
    public McpServerFactory(ToolCatalog catalog, Policy policy, String serverName, String serverVersion,
            String scopeUpgradeEndpoint) {
        this(catalog, policy, serverName, serverVersion, scopeUpgradeEndpoint, Clock.systemUTC());
    }

    public McpServerFactory(ToolCatalog catalog, Policy policy, String serverName, String serverVersion,
            String scopeUpgradeEndpoint, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog);
        this.serverName = Objects.requireNonNull(serverName);
        this.serverVersion = Objects.requireNonNull(serverVersion);
        this.invoker = new ToolInvoker(catalog, Objects.requireNonNull(policy), scopeUpgradeEndpoint, clock, schemas);
        this.prompts = new PromptInvoker(catalog, policy, scopeUpgradeEndpoint, clock);
        this.resources = new ResourceInvoker(catalog, policy, scopeUpgradeEndpoint, clock);
        this.lists = new CallerLists(prompts, resources);
        this.guard = new ScopeGuard(policy, scopeUpgradeEndpoint, clock);
    }

    /** A server with sessions over Streamable HTTP: the gateway's own transport, whose replies the lists are narrowed on. */
    public GatewayMcpServer streamable(McpStreamableServerTransportProvider transport) {
        if (!(transport instanceof UndertowStreamableTransport own)) {
            throw new IllegalArgumentException("the gateway serves Streamable HTTP through UndertowStreamableTransport, which filters lists by scope");
        }
        own.replyFilter(lists::visibleTo);
        own.relay().wire(new RelayRequests(catalog, guard), catalog::relays);
        return sessionful(McpServer.sync(transport), true);
    }

    /** A server for one client over one connection (e.g. {@link StdioServerTransport}). */
    public GatewayMcpServer singleSession(McpServerTransportProvider transport) {
        boolean relays = transport instanceof StdioServerTransport;
        if (transport instanceof StdioServerTransport own) {
            own.relay().wire(new RelayRequests(catalog, guard), catalog::relays);
        }
        return sessionful(McpServer.sync(CallerFilteredTransports.sessionful(transport, lists::visibleTo)), relays);
    }

    /** A server without sessions ({@code --stateless}, e.g. {@link UndertowStatelessTransport}). */
    public GatewayMcpServer stateless(McpStatelessServerTransport transport) {
        GatewayMcpServer.Snapshot initial = GatewayMcpServer.Snapshot.of(catalog);
        McpStatelessSyncServer server = McpServer.sync(CallerFilteredTransports.stateless(transport, lists::visibleTo))
                .serverInfo(serverName, serverVersion)
                .capabilities(capabilities(false))
                .jsonMapper(mapper)
                .jsonSchemaValidator(schemas)
                .validateToolInputs(false)
                .strictToolNameValidation(false)
                .immediateExecution(true)
                .addToolFilter(invoker::visible)
                .tools(initial.tools().values().stream().map(this::statelessSpec).toList())
                .prompts(initial.prompts().values().stream().map(this::statelessSpec).toList())
                .resources(initial.resources().values().stream().map(this::statelessSpec).toList())
                .resourceTemplates(initial.templates().values().stream().map(this::statelessSpec).toList())
                .build();
        return new GatewayMcpServer(catalog, initial, new GatewayMcpServer.SdkFeatures(
                tool -> server.addTool(statelessSpec(tool)), server::removeTool,
                prompt -> server.addPrompt(statelessSpec(prompt)), server::removePrompt,
                resource -> server.addResource(statelessSpec(resource)), server::removeResource,
                template -> server.addResourceTemplate(statelessSpec(template)), server::removeResourceTemplate,
                server::closeGracefully));
    }

    private GatewayMcpServer sessionful(McpServer.SyncSpecification<?> spec, boolean relays) {
        GatewayMcpServer.Snapshot initial = GatewayMcpServer.Snapshot.of(catalog);
        McpSyncServer server = spec
                .serverInfo(serverName, serverVersion)
                .capabilities(relays ? relayCapabilities() : capabilities(true))
                .jsonMapper(mapper)
                .jsonSchemaValidator(schemas)
                .validateToolInputs(false)
                .strictToolNameValidation(false)
                .immediateExecution(true)
                .addToolFilter(invoker::visible)
                .tools(initial.tools().values().stream().map(this::sessionSpec).toList())
                .prompts(initial.prompts().values().stream().map(this::sessionSpec).toList())
                .resources(initial.resources().values().stream().map(this::sessionSpec).toList())
                .resourceTemplates(initial.templates().values().stream().map(this::sessionSpec).toList())
                .build();
        return new GatewayMcpServer(catalog, initial, new GatewayMcpServer.SdkFeatures(
                tool -> server.addTool(sessionSpec(tool)), server::removeTool,
                prompt -> server.addPrompt(sessionSpec(prompt)), server::removePrompt,
                resource -> server.addResource(sessionSpec(resource)), server::removeResource,
                template -> server.addResourceTemplate(sessionSpec(template)), server::removeResourceTemplate,
                server::closeGracefully));
    }

    // Each spec only names its entry: the handler is found in the catalog at call time (a read of any URI the
    // template matches is routed by the catalog, whichever spec the SDK picked).

    private McpServerFeatures.SyncToolSpecification sessionSpec(McpSchema.Tool tool) {
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) -> invoker.call(exchange.transportContext(), request));
    }

    private McpServerFeatures.SyncPromptSpecification sessionSpec(McpSchema.Prompt prompt) {
        return new McpServerFeatures.SyncPromptSpecification(prompt, (exchange, request) -> prompts.get(exchange.transportContext(), request));
    }

    private McpServerFeatures.SyncResourceSpecification sessionSpec(McpSchema.Resource resource) {
        return new McpServerFeatures.SyncResourceSpecification(resource, (exchange, request) -> resources.read(exchange.transportContext(), request));
    }

    private McpServerFeatures.SyncResourceTemplateSpecification sessionSpec(McpSchema.ResourceTemplate template) {
        return new McpServerFeatures.SyncResourceTemplateSpecification(template,
                (exchange, request) -> resources.read(exchange.transportContext(), request));
    }

    private McpStatelessServerFeatures.SyncToolSpecification statelessSpec(McpSchema.Tool tool) {
        return new McpStatelessServerFeatures.SyncToolSpecification(tool, invoker::call);
    }

    private McpStatelessServerFeatures.SyncPromptSpecification statelessSpec(McpSchema.Prompt prompt) {
        return new McpStatelessServerFeatures.SyncPromptSpecification(prompt, prompts::get);
    }

    private McpStatelessServerFeatures.SyncResourceSpecification statelessSpec(McpSchema.Resource resource) {
        return new McpStatelessServerFeatures.SyncResourceSpecification(resource, resources::read);
    }

    private McpStatelessServerFeatures.SyncResourceTemplateSpecification statelessSpec(McpSchema.ResourceTemplate template) {
        return new McpStatelessServerFeatures.SyncResourceTemplateSpecification(template, resources::read);
    }

    /**
     * Exactly what is served: tools, prompts and resources that can change at run time (upstreams come and go), and,
     * with a session, log messages to the client ({@code logging/setLevel} is the SDK's session server's). The SDK's
     * stateless server has no {@code logging/setLevel} and no stream to send log messages on, so without sessions
     * {@code logging} is not advertised: a client that sees it calls setLevel at once and would get -32601 (the MCP
     * Inspector then fails to connect). No resource subscriptions: the gateway does not relay upstream
     * {@code notifications/resources/updated}; no completions: no handler is registered.
     */
    /**
     * With sessions over Streamable HTTP the relay carries what upstreams offer beyond lists and calls: resource
     * subscriptions and completions ({@link RelayRequests}), log messages, and server-to-client requests.
     */
    static McpSchema.ServerCapabilities relayCapabilities() {
        return McpSchema.ServerCapabilities.builder().tools(true).prompts(true).resources(true, true).logging().completions().build();
    }

    static McpSchema.ServerCapabilities capabilities(boolean sessions) {
        McpSchema.ServerCapabilities.Builder capabilities = McpSchema.ServerCapabilities.builder()
                .tools(true).prompts(true).resources(false, true);
        return (sessions ? capabilities.logging() : capabilities).build();
    }
}
