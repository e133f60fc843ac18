package dev.mcpauth.gateway;

import dev.mcpauth.authserver.AuthServerConfig;
import dev.mcpauth.authserver.AuthorizationServer;
import dev.mcpauth.cli.VersionProvider;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.AccessLog;
import dev.mcpauth.http.AllowedHosts;
import dev.mcpauth.http.AllowedOrigins;
import dev.mcpauth.http.BoundServer;
import dev.mcpauth.http.ConnectionLimits;
import dev.mcpauth.http.CorsHandler;
import dev.mcpauth.http.HealthHandler;
import dev.mcpauth.http.HostCheck;
import dev.mcpauth.http.InFlightRequests;
import dev.mcpauth.http.JsonRpcBodyReader;
import dev.mcpauth.http.OpenStreams;
import dev.mcpauth.http.OriginCheck;
import dev.mcpauth.http.Readiness;
import dev.mcpauth.http.RequestLimits;
import dev.mcpauth.http.RequestTrace;
import dev.mcpauth.http.VirtualThreadDispatch;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.modern.ModernMethodGate;
import dev.mcpauth.modern.ModernProtocol;
import dev.mcpauth.modern.ModernServer;
import dev.mcpauth.resource.AuditLog;
import dev.mcpauth.resource.BearerAuthHandler;
import dev.mcpauth.resource.Challenge;
import dev.mcpauth.resource.TokenFailureLimiter;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.trace.Tracing;
import io.undertow.predicate.Predicates;
import io.undertow.server.HttpHandler;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: one Undertow server and the one place where its handler chain is composed (STYLE.md §1).
 * <pre>
 * AccessLog → InFlightRequests → RequestLimits (but /health) → HostCheck (421 for a name not ours) → Cors (browser clients on allowed origins) → routes
 *   /health, /health/live, /health/ready, RFC 9728 metadata   public
 *   /.well-known/oauth-authorization-server, /oauth/*   embedded AS (when on)
 *   /mcp  → OriginCheck → VirtualThreadDispatch → BearerAuth → ModernMethodGate → JsonRpcBodyReader → EraRouter
 *          (RequestTrace marks the stages for the spans when --otlp-endpoint is set)
 *           legacy (initialize, sessions):  → ToolPolicy → MCP transport (SDK)
 *           modern (2026-07-28, stateless): → ModernHeaderValidator → ToolPolicy → ModernMcpHandler
 * </pre>
 * What depends on the policy and the upstreams ({@link McpRoutes}: from EraRouter on, and the metadata) is swapped
 * whole by {@link #reload}; the edge, the verifier and the embedded authorization server live as long as the server.
 */
public final class GatewayServer {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    public static final String SERVER_NAME = "mcp-auth";
    /** Every MCP version both fronts (HTTP and stdio) speak, newest first: what get_server_info names. */
    public static final List<String> PROTOCOL_VERSIONS = ModernProtocol.SUPPORTED_VERSIONS;
    /** How long a modern client may cache tools/list and server/discover (list changes also reach listeners at once). */
    public static final Duration LIST_TTL = Duration.ofSeconds(60);
    /** Client addresses the failed-token limiter remembers at once: ~100 bytes each, so about 1 MB at most. */
    static final int MAX_TRACKED_PEERS = 10_000;
    /** After a reload, calls already running on the old configuration get this long before its upstreams stop. */
    static final Duration RELOAD_GRACE = Duration.ofSeconds(30);

    private final BoundServer server;
    private final GatewayConfig config;
    private final int port;
    private final String baseUrl;
    private final String resourceUrl;
    private final AuthorizationServer authServer;
    private final TokenVerifier verifier;
    private final String upgradeEndpoint;
    private final AuditLog audit = new AuditLog();
    private final Tracing tracing;
    private final Readiness readiness;
    private volatile McpRoutes routes;
    private InFlightRequests inFlight;
    private OpenStreams streams;

    /** The authentication stage of the /mcp chain; always {@link BearerAuthHandler} but in the benchmark's auth-off variant. */
    @FunctionalInterface
    interface AuthenticationStage {
        HttpHandler wrap(TokenVerifier verifier, Challenge challenge, AuditLog audit, HttpHandler next);
    }

    private final AuthenticationStage authentication;

    private GatewayServer(GatewayConfig config, BoundServer server, AuthenticationStage authentication, Tracing tracing) throws IOException {
        this.authentication = authentication;
        this.tracing = tracing;
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
        this.upgradeEndpoint = config.scopeUpgradeEndpoint() != null ? config.scopeUpgradeEndpoint()
                : authServer != null ? authServer.scopeUpgradeEndpoint() : null;
        this.routes = McpRoutes.start(config, resourceUrl, authorizationServers(), authServer, upgradeEndpoint, audit);
        this.readiness = new Readiness(AuthorityReachability.probe(config.auth()), () -> routes.tools.upstreamState());
        server.serve(chain());
    }

    /** Binds, then builds the chain with the bound port (so that port 0 yields correct URLs), then serves. */
    public static GatewayServer start(GatewayConfig config) throws IOException {
        return start(config, Tracing.OFF);
    }

    /** As {@link #start(GatewayConfig)}, with the spans of each /mcp request sent to {@code tracing}. */
    public static GatewayServer start(GatewayConfig config, Tracing tracing) throws IOException {
        TokenFailureLimiter failures = failureLimiter(config.edge());
        return start(config, (verifier, challenge, audit, next) -> new BearerAuthHandler(verifier, challenge, audit, failures, next), tracing);
    }

    /** Failed-authentication throttling per client address (0 failures: off); tracks at most 10 000 addresses. */
    static TokenFailureLimiter failureLimiter(GatewayConfig.Edge edge) {
        return edge.maxTokenFailures() == 0 ? TokenFailureLimiter.disabled()
                : new TokenFailureLimiter(edge.maxTokenFailures(), edge.tokenFailureWindow(), MAX_TRACKED_PEERS, Clock.systemUTC());
    }

    /** Package-private on purpose: serve has no way to run without authentication, only the benchmark's measurement does. */
    static GatewayServer start(GatewayConfig config, AuthenticationStage authentication) throws IOException {
        return start(config, authentication, Tracing.OFF);
    }

    private static GatewayServer start(GatewayConfig config, AuthenticationStage authentication, Tracing tracing) throws IOException {
        GatewayConfig.Capacity capacity = config.edge().capacity();
        BoundServer bound = BoundServer.listen(config.listener().host(), config.listener().port(),
                new ConnectionLimits(capacity.headerTimeout(), capacity.maxConnections(), capacity.maxConnectionsPerAddress(), capacity.bodyTimeout()));
        try {
            return new GatewayServer(config, bound, authentication, tracing);
        } catch (IOException | RuntimeException e) {
            bound.stop();
            throw e;
        }
    }

    private HttpHandler chain() {
        AllowedOrigins origins = AllowedOrigins.defaults(URI.create(baseUrl), BoundServer.isLoopback(config.listener().host()))
                .plus(config.edge().allowedOrigins());
        // Authentication (401) comes before anything that depends on the policy or the upstreams, which is swapped
        // whole on reload: nothing about tools is told to an unauthenticated caller.
        HttpHandler mcp = new OriginCheck(origins, RequestTrace.begin(tracing, new VirtualThreadDispatch(
                authentication.wrap(verifier, routes.challenge, audit, RequestTrace.authenticated(
                        new ModernMethodGate(
                                new JsonRpcBodyReader(config.edge().maxBodyBytes(),
                                        RequestTrace.bodyRead(exchange -> routes.router.handleRequest(exchange)))))))));
        PathHandler paths = new PathHandler(BoundServer.notFound());
        paths.addExactPath("/health", new HealthHandler(readiness::status, this::health));
        paths.addExactPath("/health/live", HealthHandler.live());
        paths.addExactPath("/health/ready", HealthHandler.ready(readiness));
        HttpHandler prm = exchange -> routes.metadataHandler.handleRequest(exchange);
        routes.metadata.paths().forEach(p -> paths.addExactPath(p, prm));
        paths.addExactPath(config.listener().mcpPath(), mcp);
        // The request metrics are labelled with these paths only; any other path a client sends counts as "other".
        dev.mcpauth.metrics.Metrics.knownRoutes(List.of("/health", "/health/live", "/health/ready", config.listener().mcpPath()));
        dev.mcpauth.metrics.Metrics.knownRoutes(routes.metadata.paths());
        HttpHandler routed = authServer == null ? paths : authServer.routes(paths);
        // The Host check comes before CORS: a rebound name gets no answer at all, not even to a preflight.
        AllowedHosts hosts = AllowedHosts.forServer(config.listener().host(), BoundServer.isLoopback(config.listener().host()),
                URI.create(baseUrl), config.edge().allowedHosts());
        HttpHandler edge = new HostCheck(hosts, new CorsHandler(origins, routed));
        GatewayConfig.Capacity capacity = config.edge().capacity();
        this.streams = new OpenStreams(capacity.maxStreams(), capacity.maxStreamsPerSubject());
        // /health goes around the request budget: a load balancer must see a live server even when it is saturated.
        this.inFlight = new InFlightRequests(readiness, new PredicateHandler(Predicates.paths("/health", "/health/live", "/health/ready"), edge,
                new RequestLimits(config.edge().maxConcurrentRequests(), capacity.maxQueued(), capacity.queueTimeout(),
                        config.edge().maxBodyBytes(), streams, edge)));
        return new AccessLog(inFlight);
    }

    private AuthorizationServer embeddedAuthServer(GatewayConfig.EmbeddedAuthServer embedded) {
        AuthServerConfig.Builder builder = AuthServerConfig.builder(baseUrl)
                .resources(resourceUrl)
                .autoApprove(embedded.autoApprove())
                .registrationsPerMinute(embedded.registrationsPerMinute());
        // The AS grants what this gateway's policy asks for: the scope of every tool rule (the upstreams' included)
        // and default, and the broader scopes of policy.implies (files:write lets a client call a files:read tool).
        // Otherwise a policy naming its own scopes could never be satisfied by this AS. A client asking for no scope
        // still gets only the demo scopes.
        Map<String, String> scopes = new LinkedHashMap<>(AuthServerConfig.DEMO_SCOPES);
        config.policy().implies().implies().forEach((broader, narrower) ->
                scopes.putIfAbsent(broader, "Everything these allow: " + String.join(", ", new TreeSet<>(narrower))));
        dev.mcpauth.policy.Policy policy = ToolSources.policy(config);
        Map<String, Set<String>> neededBy = new java.util.TreeMap<>();
        policy.scopes().rules().forEach((tool, needed) -> needed.forEach(s -> neededBy.computeIfAbsent(s, k -> new TreeSet<>()).add(tool)));
        neededBy.forEach((scope, tools) -> scopes.putIfAbsent(scope, "Call " + String.join(", ", tools)));
        McpRoutes.policyScopes(policy).forEach(s -> scopes.putIfAbsent(s, "Call the tools, prompts and resources that need " + s));
        builder.scopesSupported(scopes).defaultScopes(AuthServerConfig.DEMO_SCOPES.keySet());
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

    private Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("version", VersionProvider.version());
        McpRoutes current = routes;
        health.put("tools", current.tools.catalog().tools().size());
        Map<String, String> upstreams = current.tools.upstreamState();
        if (!upstreams.isEmpty()) {
            health.put("upstreams", upstreams);
        }
        return health;
    }

    /**
     * Takes the policy and the upstreams of {@code next} (SIGHUP): builds them beside the running ones (upstreams
     * started, waiting for their first connection), swaps them in, and stops the old ones once the calls they took
     * are done (at most {@link #RELOAD_GRACE}). Anything else in {@code next} needs a restart. When building fails
     * the running configuration stays and the exception says why. Sessions of the old configuration end (legacy
     * clients get 404 and initialize again, as the transport specifies).
     */
    public synchronized void reload(GatewayConfig next) throws IOException {
        GatewayConfig merged = new GatewayConfig(config.listener(), config.auth(), config.jwt(), next.policy(), config.tools(),
                config.edge(), config.scopeUpgradeEndpoint(), config.authorizationServers(), next.upstreams());
        McpRoutes fresh = McpRoutes.start(merged, resourceUrl, authorizationServers(), authServer, upgradeEndpoint, audit);
        if (authServer != null) {
            Set<String> ungrantable = new TreeSet<>(McpRoutes.policyScopes(fresh.policy));
            ungrantable.removeAll(authServer.config().scopesSupported().keySet());
            if (!ungrantable.isEmpty()) {
                log.warn("the reloaded policy needs scopes the embedded authorization server started without and cannot grant"
                        + " until a restart: {}", ungrantable);
            }
        }
        McpRoutes old = routes;
        routes = fresh;
        log.info("configuration reloaded: {} tools, upstreams {}", fresh.tools.catalog().tools().size(), fresh.tools.upstreamStatus());
        Thread.ofVirtual().name("mcp-auth-reload-retire").start(() -> {
            try {
                inFlight.awaitCalls(RELOAD_GRACE, streams::openStreams);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                old.close();
            }
        });
    }

    /**
     * A graceful stop (SIGTERM): not ready at once, no new connections, the calls in flight finish (at most
     * {@code timeout}), SSE streams end with their closing message, then sessions, the listener and the upstream
     * children go. Responses sent meanwhile close their connections, so a proxy sends its next request elsewhere.
     */
    public void shutdown(Duration timeout) {
        readiness.beginDrain();
        server.stopAccepting();
        McpRoutes current = routes;
        try {
            current.endStreams();
            if (!inFlight.awaitCalls(timeout, streams::openStreams)) {
                log.warn("shutdown: {} request(s) still running after {}; stopping anyway", inFlight.inFlight(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stop();
        }
    }

    public String banner() {
        McpRoutes current = routes;
        StringBuilder b = new StringBuilder();
        b.append("mcp-auth ").append(VersionProvider.version()).append(" serving MCP at ").append(resourceUrl)
                .append(config.listener().stateless() ? " (stateless)" : "").append('\n');
        b.append("  tokens: ").append(verifier).append('\n');
        b.append("  failed-token limit: ").append(failureLimiter(config.edge())).append('\n');
        b.append("  protected resource metadata: ").append(current.metadata.metadataUrl()).append('\n');
        if (authServer != null) {
            b.append("  embedded authorization server: ").append(authServer.issuer())
                    .append(" (metadata ").append(authServer.metadataUrl()).append(")")
                    .append(config.auth() instanceof GatewayConfig.EmbeddedAuthServer e && e.autoApprove() ? ", auto-approve" : ", consent page with demo login demo/demo")
                    .append('\n');
        }
        current.tools.upstreamStatus().forEach((name, status) -> b.append("  upstream ").append(name).append(": ").append(status).append('\n'));
        b.append("  tools: ").append(current.tools.catalog().tools().size()).append(", health: ").append(baseUrl).append("/health");
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
        return routes.tools.catalog();
    }

    /** The MCP 2026-07-28 (stateless) side of the endpoint. */
    public ModernServer modernServer() {
        return routes.modernServer;
    }

    public void stop() {
        McpRoutes current = routes;
        try {
            current.modernServer.close();
            current.mcpServer.close();
        } finally {
            server.stop();
            current.tools.close();
            verifier.close();
            tracing.close();
            if (authServer != null) {
                authServer.close();
            }
        }
    }
}
