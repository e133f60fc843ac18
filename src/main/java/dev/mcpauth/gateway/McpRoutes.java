package dev.mcpauth.gateway;

import dev.mcpauth.authserver.AuthorizationServer;
import dev.mcpauth.cli.VersionProvider;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.RequestTrace;
import dev.mcpauth.mcp.McpDispatch;
import dev.mcpauth.mcp.McpFront;
import dev.mcpauth.mcp.McpServerFactory;
import dev.mcpauth.mcp.StatelessMcpHandler;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.mcp.UndertowStreamableTransport;
import dev.mcpauth.modern.EraRouter;
import dev.mcpauth.modern.ModernHeaderValidator;
import dev.mcpauth.modern.ModernMcpHandler;
import dev.mcpauth.modern.ModernServer;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.resource.AuditLog;
import dev.mcpauth.resource.Challenge;
import dev.mcpauth.resource.ProtectedResourceMetadata;
import dev.mcpauth.resource.ProtectedResourceMetadataHandler;
import dev.mcpauth.resource.ToolPolicyHandler;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * What one configuration of policy and upstreams serves: the policy, the catalog with its upstreams, both MCP
 * fronts, and the handlers behind authentication ({@link #router}) and at the RFC 9728 paths ({@link #metadataHandler}).
 * A reload (SIGHUP) builds a new one beside the running one and swaps it in; the edge, the verifier and the embedded
 * authorization server are the server's and outlive it.
 */
final class McpRoutes implements AutoCloseable {

    final Policy policy;
    final ToolSources tools;
    final ProtectedResourceMetadata metadata;
    final Challenge challenge;
    /** The 2025-era server: the SDK's with sessions, or the stateless front. */
    final McpFront mcpServer;
    final ModernServer modernServer;
    final HttpHandler router;
    final HttpHandler metadataHandler;

    private McpRoutes(GatewayConfig config, String resourceUrl, List<URI> authorizationServers, AuthorizationServer authServer,
            String upgradeEndpoint, AuditLog audit) throws IOException {
        this.policy = ToolSources.policy(config);
        this.metadata = new ProtectedResourceMetadata(URI.create(resourceUrl), authorizationServers,
                scopesSupported(policy, authServer), "mcp-auth gateway", null);
        this.challenge = new Challenge("mcp", metadata.metadataUrl(), Set.of(), upgradeEndpoint == null ? null : URI.create(upgradeEndpoint));
        try {
            this.tools = ToolSources.start(config, policy, resourceUrl, metadata);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting upstream servers");
        }
        ToolCatalog catalog = tools.catalog();
        McpServerFactory factory = new McpServerFactory(catalog, policy, GatewayServer.SERVER_NAME, VersionProvider.version(), upgradeEndpoint);
        McpDispatch dispatch = factory.dispatch();
        HttpHandler transport;
        if (config.listener().stateless()) {
            StatelessMcpHandler stateless = new StatelessMcpHandler(dispatch, GatewayServer.SERVER_NAME, VersionProvider.version());
            this.mcpServer = stateless;
            transport = stateless;
        } else {
            UndertowStreamableTransport streamable = UndertowStreamableTransport.builder()
                    .maxSessionsPerSubject(config.edge().capacity().maxSessionsPerSubject()).build();
            this.mcpServer = factory.streamable(streamable);
            transport = streamable;
        }
        this.modernServer = new ModernServer(catalog, dispatch, GatewayServer.SERVER_NAME, VersionProvider.version(), GatewayServer.LIST_TTL);
        // Both eras share the per-tool policy (403, the same challenge); the modern header rules (400) come first.
        UnaryOperator<String> resourcePolicyName = catalog.resourceCatalog()::policyName;
        HttpHandler legacy = new ToolPolicyHandler(policy, challenge, audit, resourcePolicyName, RequestTrace.authorized(transport));
        HttpHandler modern = new ModernHeaderValidator(catalog, new ToolPolicyHandler(policy, challenge, audit, resourcePolicyName,
                RequestTrace.authorized(new ModernMcpHandler(modernServer))));
        this.router = new EraRouter(legacy, modern);
        this.metadataHandler = new ProtectedResourceMetadataHandler(metadata);
    }

    static McpRoutes start(GatewayConfig config, String resourceUrl, List<URI> authorizationServers, AuthorizationServer authServer,
            String upgradeEndpoint, AuditLog audit) throws IOException {
        return new McpRoutes(config, resourceUrl, authorizationServers, authServer, upgradeEndpoint, audit);
    }

    private static Set<String> scopesSupported(Policy policy, AuthorizationServer authServer) {
        Set<String> scopes = policyScopes(policy);
        if (authServer != null) {
            scopes.addAll(authServer.config().scopesSupported().keySet());
        }
        return scopes;
    }

    /** Every scope the policy names: in a tool rule, as a default, or on either side of an implication. */
    static Set<String> policyScopes(Policy policy) {
        Set<String> scopes = new TreeSet<>();
        policy.scopes().rules().values().forEach(scopes::addAll);
        scopes.addAll(policy.scopes().defaultScopes());
        policy.hierarchy().implies().forEach((broader, narrower) -> {
            scopes.add(broader);
            scopes.addAll(narrower);
        });
        return scopes;
    }

    /** Ends the SSE streams of both fronts (listen streams get their closing result, session streams end). */
    void endStreams() {
        modernServer.close();
    }

    /** Closes the sessions and streams, then stops the upstreams. */
    @Override
    public void close() {
        try {
            modernServer.close();
            mcpServer.close();
        } finally {
            tools.close();
        }
    }
}
