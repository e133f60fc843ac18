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
import dev.mcpauth.modern.EraRouter;
import dev.mcpauth.modern.ModernHeaderValidator;
import dev.mcpauth.modern.ModernMcpHandler;
import dev.mcpauth.modern.ModernMethodGate;
import dev.mcpauth.modern.ModernProtocol;
import dev.mcpauth.modern.ModernServer;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.resource.AuditLog;
import dev.mcpauth.resource.BearerAuthHandler;
import dev.mcpauth.resource.Challenge;
import dev.mcpauth.resource.ProtectedResourceMetadata;
import dev.mcpauth.resource.ProtectedResourceMetadataHandler;
import dev.mcpauth.resource.TokenFailureLimiter;
import dev.mcpauth.resource.ToolPolicyHandler;
import dev.mcpauth.token.TokenVerifier;
import io.undertow.server.HttpHandler;
import io.undertow.predicate.Predicates;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.PredicateHandler;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The gateway: one Undertow server and the one place where its handler chain is composed (STYLE.md §1).
 * <pre>
 * AccessLog → RequestLimits (but /health) → HostCheck (421 for a name not ours) → Cors (browser clients on allowed origins) → routes
 *   /health, RFC 9728 metadata                          public
 *   /.well-known/oauth-authorization-server, /oauth/*   embedded AS (when on)
 *   /mcp  → OriginCheck → VirtualThreadDispatch → BearerAuth → ModernMethodGate → JsonRpcBodyReader → EraRouter
 *           legacy (initialize, sessions):  → ToolPolicy → MCP transport (SDK)
 *           modern (2026-07-28, stateless): → ModernHeaderValidator → ToolPolicy → ModernMcpHandler
 * </pre>
 */
public final class GatewayServer {

    public static final String SERVER_NAME = "mcp-auth";
    /** Every MCP version both fronts (HTTP and stdio) speak, newest first: what get_server_info names. */
    public static final List<String> PROTOCOL_VERSIONS = ModernProtocol.SUPPORTED_VERSIONS;
    /** How long a modern client may cache tools/list and server/discover (list changes also reach listeners at once). */
    public static final Duration LIST_TTL = Duration.ofSeconds(60);
    /** Client addresses the failed-token limiter remembers at once: ~100 bytes each, so about 1 MB at most. */
    static final int MAX_TRACKED_PEERS = 10_000;

    private final BoundServer server;
    private final GatewayConfig config;
    private final int port;
    private final String baseUrl;
    private final String resourceUrl;
    private final AuthorizationServer authServer;
    private final GatewayMcpServer mcpServer;
    private final ToolSources tools;
    private final ModernServer modernServer;
    private final TokenVerifier verifier;
    private final ProtectedResourceMetadata metadata;

    /** The authentication stage of the /mcp chain; always {@link BearerAuthHandler} but in the benchmark's auth-off variant. */
    @FunctionalInterface
    interface AuthenticationStage {
        HttpHandler wrap(TokenVerifier verifier, Challenge challenge, AuditLog audit, HttpHandler next);
    }

    private final AuthenticationStage authentication;

    private GatewayServer(GatewayConfig config, BoundServer server, AuthenticationStage authentication) throws IOException {
        this.authentication = authentication;
        this.config = config;
        this.server = server;
        this.port = server.port();
        GatewayConfig.Listener listener = config.listener();
        this.baseUrl = listener.baseUrl(port);
        this.resourceUrl = listener.resourceUrl(port);
        this.authServer = config.auth() instanceof GatewayConfig.EmbeddedAuthServer embedded ? embeddedAuthServer(embedded) : null;
        TokenVerifier configured = Verifiers.forConfig(config.auth(), config.jwt(), resourceUrl,
                authServer == null ? null : authServer.publicKeys(), authServer == null ? null : authServer.issuer());
        this.verifier = authServer == null ? configured : Verifiers.seeingRevocations(configured, authServer.revocations());
        String upgradeEndpoint = config.scopeUpgradeEndpoint() != null ? config.scopeUpgradeEndpoint()
                : authServer != null ? authServer.scopeUpgradeEndpoint() : null;
        Policy policy = ToolSources.policy(config);
        this.metadata = new ProtectedResourceMetadata(URI.create(resourceUrl), authorizationServers(),
                scopesSupported(policy), "mcp-auth gateway", null);
        try {
            this.tools = ToolSources.start(config, policy, resourceUrl, metadata);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting upstream servers");
        }
        ToolCatalog catalog = tools.catalog();
        McpServerFactory factory = new McpServerFactory(catalog, policy, SERVER_NAME, VersionProvider.version(), upgradeEndpoint);
        HttpHandler transport;
        if (listener.stateless()) {
            UndertowStatelessTransport stateless = new UndertowStatelessTransport();
            this.mcpServer = factory.stateless(stateless);
            transport = stateless;
        } else {
            UndertowStreamableTransport streamable = UndertowStreamableTransport.builder()
                    .maxSessionsPerSubject(config.edge().capacity().maxSessionsPerSubject()).build();
            this.mcpServer = factory.streamable(streamable);
            transport = streamable;
        }
        this.modernServer = new ModernServer(catalog, policy, SERVER_NAME, VersionProvider.version(), upgradeEndpoint, LIST_TTL);
        Challenge challenge = new Challenge("mcp", metadata.metadataUrl(), Set.of(), upgradeEndpoint == null ? null : URI.create(upgradeEndpoint));
        server.serve(chain(transport, policy, challenge));
    }

    /** Binds, then builds the chain with the bound port (so that port 0 yields correct URLs), then serves. */
    public static GatewayServer start(GatewayConfig config) throws IOException {
        TokenFailureLimiter failures = failureLimiter(config.edge());
        return start(config, (verifier, challenge, audit, next) -> new BearerAuthHandler(verifier, challenge, audit, failures, next));
    }

    /** Failed-authentication throttling per client address (0 failures: off); tracks at most 10 000 addresses. */
    static TokenFailureLimiter failureLimiter(GatewayConfig.Edge edge) {
        return edge.maxTokenFailures() == 0 ? TokenFailureLimiter.disabled()
                : new TokenFailureLimiter(edge.maxTokenFailures(), edge.tokenFailureWindow(), MAX_TRACKED_PEERS, Clock.systemUTC());
    }

    /** Package-private on purpose: serve has no way to run without authentication, only the benchmark's measurement does. */
    static GatewayServer start(GatewayConfig config, AuthenticationStage authentication) throws IOException {
        GatewayConfig.Capacity capacity = config.edge().capacity();
        BoundServer bound = BoundServer.listen(config.listener().host(), config.listener().port(),
                new ConnectionLimits(capacity.headerTimeout(), capacity.maxConnections(), capacity.maxConnectionsPerAddress(), capacity.bodyTimeout()));
        try {
            return new GatewayServer(config, bound, authentication);
        } catch (IOException | RuntimeException e) {
            bound.stop();
            throw e;
        }
    }

    private HttpHandler chain(HttpHandler transport, Policy policy, Challenge challenge) {
        AuditLog audit = new AuditLog();
        AllowedOrigins origins = AllowedOrigins.defaults(URI.create(baseUrl), BoundServer.isLoopback(config.listener().host()))
                .plus(config.edge().allowedOrigins());
        // Both eras share authentication (401 first) and the per-tool policy (403, the same challenge); the modern
        // header rules (400) sit between them, so nothing about tools is told to an unauthenticated caller.
        UnaryOperator<String> resourcePolicyName = tools.catalog().resourceCatalog()::policyName;
        HttpHandler legacy = new ToolPolicyHandler(policy, challenge, audit, resourcePolicyName, transport);
        HttpHandler modern = new ModernHeaderValidator(tools.catalog(),
                new ToolPolicyHandler(policy, challenge, audit, resourcePolicyName, new ModernMcpHandler(modernServer)));
        HttpHandler mcp = new OriginCheck(origins, new VirtualThreadDispatch(
                authentication.wrap(verifier, challenge, audit,
                        new ModernMethodGate(
                                new JsonRpcBodyReader(config.edge().maxBodyBytes(),
                                        new EraRouter(legacy, modern))))));
        PathHandler routes = new PathHandler(BoundServer.notFound());
        routes.addExactPath("/health", new HealthHandler(this::health));
        ProtectedResourceMetadataHandler prm = new ProtectedResourceMetadataHandler(metadata);
        metadata.paths().forEach(p -> routes.addExactPath(p, prm));
        routes.addExactPath(config.listener().mcpPath(), mcp);
        HttpHandler routed = authServer == null ? routes : authServer.routes(routes);
        // The Host check comes before CORS: a rebound name gets no answer at all, not even to a preflight.
        AllowedHosts hosts = AllowedHosts.forServer(config.listener().host(), BoundServer.isLoopback(config.listener().host()),
                URI.create(baseUrl), config.edge().allowedHosts());
        HttpHandler edge = new HostCheck(hosts, new CorsHandler(origins, routed));
        GatewayConfig.Capacity capacity = config.edge().capacity();
        OpenStreams streams = new OpenStreams(capacity.maxStreams(), capacity.maxStreamsPerSubject());
        // /health goes around the request budget: a load balancer must see a live server even when it is saturated.
        return new AccessLog(new PredicateHandler(Predicates.path("/health"), edge,
                new RequestLimits(config.edge().maxConcurrentRequests(), capacity.maxQueued(), capacity.queueTimeout(),
                        config.edge().maxBodyBytes(), streams, edge)));
    }

    private AuthorizationServer embeddedAuthServer(GatewayConfig.EmbeddedAuthServer embedded) {
        AuthServerConfig.Builder builder = AuthServerConfig.builder(baseUrl)
                .resources(resourceUrl)
                .autoApprove(embedded.autoApprove())
                .registrationsPerMinute(embedded.registrationsPerMinute());
        if (!config.policy().implies().isEmpty()) {
            // The AS must be able to grant the broader scopes of policy.implies (files:write lets a client call a
            // files:read tool at /mcp); a client asking for no scope still gets only the demo scopes.
            Map<String, String> scopes = new LinkedHashMap<>(AuthServerConfig.DEMO_SCOPES);
            config.policy().implies().implies().forEach((broader, narrower) -> {
                scopes.putIfAbsent(broader, "Everything these allow: " + String.join(", ", new TreeSet<>(narrower)));
                narrower.forEach(n -> scopes.putIfAbsent(n, n));
            });
            builder.scopesSupported(scopes).defaultScopes(AuthServerConfig.DEMO_SCOPES.keySet());
        }
        if (embedded.secret() != null) {
            builder.sharedSecret(new String(embedded.secret(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (embedded.stateDir() != null) {
            builder.stateDirectory(embedded.stateDir());
        }
        builder.stateDatabase(embedded.stateDatabase());
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
        if (servers.isEmpty() && config.auth() instanceof GatewayConfig.Issuers several) {
            // RFC 9728 section 2: every authorization server whose tokens this resource accepts.
            several.issuers().forEach(issuer -> servers.add(issuer.issuer()));
        }
        if (servers.isEmpty() && config.jwt().issuer() != null) {
            servers.add(config.jwt().issuer());
        }
        List<URI> uris = new ArrayList<>();
        servers.forEach(s -> uris.add(URI.create(s)));
        return uris;
    }

    private Set<String> scopesSupported(Policy policy) {
        Set<String> scopes = new TreeSet<>();
        policy.scopes().rules().values().forEach(scopes::addAll);
        scopes.addAll(policy.scopes().defaultScopes());
        policy.hierarchy().implies().forEach((broader, narrower) -> {
            scopes.add(broader);
            scopes.addAll(narrower);
        });
        if (authServer != null) {
            scopes.addAll(authServer.config().scopesSupported().keySet());
        }
        return scopes;
    }

    private Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("version", VersionProvider.version());
        health.put("tools", tools.catalog().tools().size());
        Map<String, String> upstreams = tools.upstreamState();
        if (!upstreams.isEmpty()) {
            health.put("upstreams", upstreams);
        }
        return health;
    }

    public String banner() {
        StringBuilder b = new StringBuilder();
        b.append("mcp-auth ").append(VersionProvider.version()).append(" serving MCP at ").append(resourceUrl)
                .append(config.listener().stateless() ? " (stateless)" : "").append('\n');
        b.append("  tokens: ").append(verifier).append('\n');
        b.append("  failed-token limit: ").append(failureLimiter(config.edge())).append('\n');
        b.append("  protected resource metadata: ").append(metadata.metadataUrl()).append('\n');
        if (authServer != null) {
            b.append("  embedded authorization server: ").append(authServer.issuer())
                    .append(" (metadata ").append(authServer.metadataUrl()).append(")")
                    .append(config.auth() instanceof GatewayConfig.EmbeddedAuthServer e && e.autoApprove() ? ", auto-approve" : ", consent page with demo login demo/demo")
                    .append('\n');
        }
        tools.upstreamStatus().forEach((name, status) -> b.append("  upstream ").append(name).append(": ").append(status).append('\n'));
        b.append("  tools: ").append(tools.catalog().tools().size()).append(", health: ").append(baseUrl).append("/health");
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
        return tools.catalog();
    }

    /** The MCP 2026-07-28 (stateless) side of the endpoint. */
    public ModernServer modernServer() {
        return modernServer;
    }

    public void stop() {
        try {
            modernServer.close();
            mcpServer.close();
        } finally {
            server.stop();
            tools.close();
            if (authServer != null) {
                authServer.close();
            }
        }
    }
}
