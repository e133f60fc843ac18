package dev.mcpauth.http;

import dev.mcpauth.authserver.AuthServerConfig;
import dev.mcpauth.authserver.AuthorizationServer;
import dev.mcpauth.cli.VersionProvider;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.mcp.GatewayMcpServer;
import dev.mcpauth.mcp.McpServerFactory;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.mcp.UndertowStatelessTransport;
import dev.mcpauth.mcp.UndertowStreamableTransport;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.resource.AuditLog;
import dev.mcpauth.resource.BearerAuthHandler;
import dev.mcpauth.resource.Challenge;
import dev.mcpauth.resource.ProtectedResourceMetadata;
import dev.mcpauth.resource.ProtectedResourceMetadataHandler;
import dev.mcpauth.resource.ToolPolicyHandler;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.tools.BuiltinTools;
import dev.mcpauth.tools.BuiltinToolsConfig;
import dev.mcpauth.tools.ServerInfo;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The gateway: one Undertow server and the one place where its handler chain is composed (STYLE.md §1).
 * <pre>
 * AccessLog → RequestLimits → Cors (browser clients on allowed origins) → routes
 *   /health, RFC 9728 metadata                          public
 *   /.well-known/oauth-authorization-server, /oauth/*   embedded AS (when on)
 *   /mcp  → OriginCheck → VirtualThreadDispatch → BearerAuth → JsonRpcBodyReader → ToolPolicy → MCP transport
 * </pre>
 */
public final class GatewayServer {

    public static final String SERVER_NAME = "mcp-auth";
    public static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18");

    private final Undertow undertow;
    private final GatewayConfig config;
    private final int port;
    private final String baseUrl;
    private final String resourceUrl;
    private final AuthorizationServer authServer;
    private final GatewayMcpServer mcpServer;
    private final ToolCatalog catalog;
    private final TokenVerifier verifier;
    private final ProtectedResourceMetadata metadata;

    private GatewayServer(GatewayConfig config, Undertow undertow, int port, Delegate root) throws IOException {
        this.config = config;
        this.undertow = undertow;
        this.port = port;
        GatewayConfig.Listener listener = config.listener();
        this.baseUrl = listener.baseUrl(port);
        this.resourceUrl = listener.resourceUrl(port);
        this.authServer = config.auth() instanceof GatewayConfig.EmbeddedAuthServer embedded ? embeddedAuthServer(embedded) : null;
        this.verifier = Verifiers.forConfig(config.auth(), config.jwt(), resourceUrl,
                authServer == null ? null : authServer.publicKeys(), authServer == null ? null : authServer.issuer());
        String upgradeEndpoint = config.scopeUpgradeEndpoint() != null ? config.scopeUpgradeEndpoint()
                : authServer != null ? authServer.scopeUpgradeEndpoint() : null;
        ScopePolicy policy = policy(config);
        this.metadata = new ProtectedResourceMetadata(URI.create(resourceUrl), authorizationServers(),
                scopesSupported(policy), "mcp-auth gateway", null);
        this.catalog = catalog(config, policy, resourceUrl, metadata);
        McpServerFactory factory = new McpServerFactory(catalog, policy, SERVER_NAME, VersionProvider.version(), upgradeEndpoint);
        HttpHandler transport;
        if (listener.stateless()) {
            UndertowStatelessTransport stateless = new UndertowStatelessTransport();
            this.mcpServer = factory.stateless(stateless);
            transport = stateless;
        } else {
            UndertowStreamableTransport streamable = new UndertowStreamableTransport();
            this.mcpServer = factory.streamable(streamable);
            transport = streamable;
        }
        Challenge challenge = new Challenge("mcp", metadata.metadataUrl(), Set.of(), upgradeEndpoint == null ? null : URI.create(upgradeEndpoint));
        root.next = chain(transport, policy, challenge);
    }

    /** The per-tool scope rules: built-in defaults, overridden by the configuration. */
    public static ScopePolicy policy(GatewayConfig config) {
        return BuiltinTools.defaultPolicy().with(config.policy().toolScopes()).withDefaultScopes(config.policy().defaultScopes());
    }

    /** Every tool the configuration exposes (shared by the HTTP and stdio fronts). */
    @SuppressWarnings("unchecked")
    public static ToolCatalog catalog(GatewayConfig config, ScopePolicy policy, String resourceUrl, ProtectedResourceMetadata metadata) {
        ToolCatalog catalog = new ToolCatalog();
        if (config.tools().enabled()) {
            catalog.replaceSource(BuiltinTools.SOURCE, BuiltinTools.create(
                    new BuiltinToolsConfig(config.tools().filesRoot(), new TreeSet<>(config.tools().commandAllowlist()),
                            config.tools().commandTimeout(), BuiltinToolsConfig.defaults(config.tools().filesRoot()).outputCapBytes()),
                    catalog, policy, ServerInfo.of(SERVER_NAME, VersionProvider.version(), PROTOCOL_VERSIONS, config.auth().describe(), resourceUrl),
                    () -> JsonErrors.MAPPER.convertValue(metadata.toJson(), Map.class)));
        }
        return catalog;
    }

    /** Binds, then builds the chain with the bound port (so that port 0 yields correct URLs), then serves. */
    public static GatewayServer start(GatewayConfig config) throws IOException {
        Delegate root = new Delegate();
        Undertow undertow = Undertow.builder()
                .addHttpListener(config.listener().port(), config.listener().host())
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(8)
                .setByteBufferPool(VirtualThreadDispatch.byteBufferPool())
                .setHandler(root)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            throw new IOException("cannot listen on " + config.listener().host() + ":" + config.listener().port() + ": " + rootMessage(e));
        }
        int bound = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        try {
            return new GatewayServer(config, undertow, bound, root);
        } catch (IOException | RuntimeException e) {
            undertow.stop();
            throw e;
        }
    }

    private HttpHandler chain(HttpHandler transport, ScopePolicy policy, Challenge challenge) {
        AuditLog audit = new AuditLog();
        AllowedOrigins origins = AllowedOrigins.defaults(URI.create(baseUrl), isLoopback(config.listener().host()))
                .plus(config.edge().allowedOrigins());
        HttpHandler mcp = new OriginCheck(origins, new VirtualThreadDispatch(
                new BearerAuthHandler(verifier, challenge, audit,
                        new JsonRpcBodyReader(config.edge().maxBodyBytes(),
                                new ToolPolicyHandler(policy, challenge, audit, transport)))));
        PathHandler routes = new PathHandler(new NotFound());
        routes.addExactPath("/health", new HealthHandler(this::health));
        ProtectedResourceMetadataHandler prm = new ProtectedResourceMetadataHandler(metadata);
        metadata.paths().forEach(p -> routes.addExactPath(p, prm));
        routes.addExactPath(config.listener().mcpPath(), mcp);
        HttpHandler routed = authServer == null ? routes : authServer.routes(routes);
        return new AccessLog(new RequestLimits(config.edge().maxConcurrentRequests(), config.edge().maxBodyBytes(),
                new CorsHandler(origins, routed)));
    }

    private AuthorizationServer embeddedAuthServer(GatewayConfig.EmbeddedAuthServer embedded) {
        AuthServerConfig.Builder builder = AuthServerConfig.builder(baseUrl)
                .resources(resourceUrl)
                .autoApprove(embedded.autoApprove());
        if (embedded.secret() != null) {
            builder.sharedSecret(new String(embedded.secret(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (embedded.stateDir() != null) {
            builder.stateDirectory(embedded.stateDir());
        }
        if (!embedded.users().isEmpty()) {
            builder.users(embedded.users());
        }
        return new AuthorizationServer(builder.build());
    }

    private List<URI> authorizationServers() {
        Set<String> servers = new LinkedHashSet<>(config.authorizationServers());
        if (servers.isEmpty() && authServer != null) {
            servers.add(authServer.issuer());
        }
        if (servers.isEmpty() && config.jwt().issuer() != null) {
            servers.add(config.jwt().issuer());
        }
        List<URI> uris = new ArrayList<>();
        servers.forEach(s -> uris.add(URI.create(s)));
        return uris;
    }

    private Set<String> scopesSupported(ScopePolicy policy) {
        Set<String> scopes = new TreeSet<>();
        policy.rules().values().forEach(scopes::addAll);
        scopes.addAll(policy.defaultScopes());
        if (authServer != null) {
            scopes.addAll(authServer.config().scopesSupported().keySet());
        }
        return scopes;
    }

    private Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("version", VersionProvider.version());
        health.put("tools", catalog.tools().size());
        return health;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    public String banner() {
        StringBuilder b = new StringBuilder();
        b.append("mcp-auth ").append(VersionProvider.version()).append(" serving MCP at ").append(resourceUrl)
                .append(config.listener().stateless() ? " (stateless)" : "").append('\n');
        b.append("  tokens: ").append(verifier).append('\n');
        b.append("  protected resource metadata: ").append(metadata.metadataUrl()).append('\n');
        if (authServer != null) {
            b.append("  embedded authorization server: ").append(authServer.issuer())
                    .append(" (metadata ").append(authServer.metadataUrl()).append(")")
                    .append(config.auth() instanceof GatewayConfig.EmbeddedAuthServer e && e.autoApprove() ? ", auto-approve" : ", consent page with demo login demo/demo")
                    .append('\n');
        }
        b.append("  tools: ").append(catalog.tools().size()).append(", health: ").append(baseUrl).append("/health");
        return b.toString();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String resourceUrl() {
        return resourceUrl;
    }

    public AuthorizationServer authServer() {
        return authServer;
    }

    public ToolCatalog catalog() {
        return catalog;
    }

    public void stop() {
        try {
            mcpServer.close();
        } finally {
            undertow.stop();
        }
    }

    /** The root handler, set once the chain is built (it needs the bound port). */
    private static final class Delegate implements HttpHandler {
        volatile HttpHandler next;

        @Override
        public void handleRequest(io.undertow.server.HttpServerExchange exchange) throws Exception {
            HttpHandler h = next;
            if (h == null) {
                JsonErrors.send(exchange, 503, "starting", "the server is starting; try again");
                return;
            }
            h.handleRequest(exchange);
        }
    }

    private static final class NotFound implements HttpHandler {
        @Override
        public void handleRequest(io.undertow.server.HttpServerExchange exchange) {
            JsonErrors.send(exchange, 404, "not_found", "no resource at " + exchange.getRequestPath());
        }
    }
}
