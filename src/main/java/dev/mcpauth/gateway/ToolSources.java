package dev.mcpauth.gateway;

import dev.mcpauth.cli.VersionProvider;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.resource.ProtectedResourceMetadata;
import dev.mcpauth.tools.BuiltinTools;
import dev.mcpauth.tools.BuiltinToolsConfig;
import dev.mcpauth.tools.ServerInfo;
import dev.mcpauth.upstream.UpstreamCredentials;
import dev.mcpauth.upstream.UpstreamSpec;
import dev.mcpauth.upstream.UpstreamStatus;
import dev.mcpauth.upstream.Upstreams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every source of tools the configuration names, in one catalog: the built-in tools and the upstream MCP
 * servers (shared by the HTTP and stdio fronts), and the scope policy that covers all of them.
 */
public final class ToolSources implements AutoCloseable {

    private final ToolCatalog catalog;
    private final Upstreams upstreams;

    private ToolSources(ToolCatalog catalog, Upstreams upstreams) {
        this.catalog = catalog;
        this.upstreams = upstreams;
    }

    /**
     * The policy: per-tool scope rules (built-in defaults, each upstream's rules named as the gateway exposes its
     * tools, then the operator's rules, which win), the scope hierarchy, the conditions and the rate limits.
     */
    public static Policy policy(GatewayConfig config) {
        Map<String, Set<String>> rules = new LinkedHashMap<>();
        for (UpstreamSpec spec : specs(config)) {
            GatewayConfig.UpstreamConfig u = config.upstreams().stream().filter(c -> c.name().equals(spec.name())).findFirst().orElseThrow();
            u.toolScopes().forEach((tool, scopes) -> rules.put(spec.exposedName(tool), scopes));
        }
        rules.putAll(config.policy().toolScopes());
        GatewayConfig.Policy configured = config.policy();
        return Policy.of(BuiltinTools.defaultPolicy().with(rules).withDefaultScopes(configured.defaultScopes()),
                configured.implies(), configured.conditions(), configured.rateLimits());
    }

    /** Builds the catalog and starts the upstreams (waiting for each one's first connection attempt). */
    @SuppressWarnings("unchecked")
    public static ToolSources start(GatewayConfig config, Policy policy, String resourceUrl, ProtectedResourceMetadata metadata)
            throws InterruptedException {
        ToolCatalog catalog = new ToolCatalog();
        if (config.tools().enabled()) {
            catalog.replaceSource(BuiltinTools.SOURCE, BuiltinTools.create(
                    new BuiltinToolsConfig(config.tools().filesRoot(), config.tools().commandAllowlist(),
                            config.tools().commandTimeout(), BuiltinToolsConfig.defaults(config.tools().filesRoot()).outputCapBytes()),
                    catalog, policy,
                    ServerInfo.of(GatewayServer.SERVER_NAME, VersionProvider.version(), GatewayServer.PROTOCOL_VERSIONS, config.auth().describe(), resourceUrl),
                    () -> JsonErrors.MAPPER.convertValue(metadata.toJson(), Map.class)));
        }
        Upstreams upstreams = new Upstreams(specs(config));
        upstreams.startAll(catalog);
        return new ToolSources(catalog, upstreams);
    }

    /**
     * For {@code scopes}: connects to each upstream once, and returns its tools as the gateway would expose them
     * (beside the built-in tools), with the upstream's own scope rules (an empty set where it has none).
     */
    public static Map<String, Set<String>> upstreamTools(List<GatewayConfig.UpstreamConfig> configs) throws InterruptedException {
        boolean prefix = UpstreamSpec.prefixNeeded(configs.size(), true);
        ToolCatalog catalog = new ToolCatalog();
        List<UpstreamSpec> specs = new ArrayList<>();
        for (GatewayConfig.UpstreamConfig u : configs) {
            UpstreamSpec spec = u.url() != null ? UpstreamSpec.http(u.name(), u.url(), credentials(u.auth())) : UpstreamSpec.stdio(u.name(), u.command());
            specs.add(spec.withPrefix(prefix));
        }
        Map<String, Set<String>> tools = new java.util.TreeMap<>();
        try (Upstreams upstreams = new Upstreams(specs)) {
            upstreams.startAll(catalog);
            catalog.tools().forEach(t -> tools.put(t.name(), Set.of()));
            for (int i = 0; i < specs.size(); i++) {
                UpstreamSpec spec = specs.get(i);
                configs.get(i).toolScopes().forEach((tool, scopes) -> tools.put(spec.exposedName(tool), scopes));
            }
        }
        return tools;
    }

    static List<UpstreamSpec> specs(GatewayConfig config) {
        boolean prefix = UpstreamSpec.prefixNeeded(config.upstreams().size(), config.tools().enabled());
        List<UpstreamSpec> specs = new ArrayList<>();
        for (GatewayConfig.UpstreamConfig u : config.upstreams()) {
            UpstreamSpec spec = u.url() != null ? UpstreamSpec.http(u.name(), u.url(), onBehalf(u, credentials(u.auth())))
                    : UpstreamSpec.stdio(u.name(), u.command());
            UpstreamSpec.Era era = UpstreamSpec.Era.named(u.protocol()).orElseThrow(() -> new ConfigException(
                    "upstream " + u.name() + ": protocol must be " + UpstreamSpec.Era.WORDS + ", not '" + u.protocol() + "'"));
            specs.add(spec.withCallTimeout(u.callTimeout()).withMaxConcurrentCalls(u.maxConcurrentCalls()).withPrefix(prefix).withEra(era));
        }
        return specs;
    }

    /** With token-exchange, calls carry the caller's exchanged token; the gateway's own credential only lists. */
    private static UpstreamCredentials onBehalf(GatewayConfig.UpstreamConfig u, UpstreamCredentials own) {
        GatewayConfig.TokenExchange te = u.tokenExchange();
        return te == null ? own : new UpstreamCredentials.OnBehalfOf(new UpstreamCredentials.TokenExchange(te.tokenEndpoint(), te.clientId(),
                te.clientSecret(), te.audience(), te.scope()), own);
    }

    private static UpstreamCredentials credentials(GatewayConfig.UpstreamAuth auth) {
        if (auth == null) {
            return new UpstreamCredentials.None();
        }
        return auth.bearerToken() != null
                ? new UpstreamCredentials.StaticBearer(auth.bearerToken())
                : new UpstreamCredentials.ClientCredentials(auth.tokenEndpoint(), auth.clientId(), auth.clientSecret(), auth.scope());
    }

    public ToolCatalog catalog() {
        return catalog;
    }

    /**
     * For the public /health: each upstream's state only. Why one is down (hosts, exit codes, errors) is for the
     * operator: the banner and the log say it, never an unauthenticated caller.
     */
    public Map<String, String> upstreamState() {
        Map<String, String> state = new LinkedHashMap<>();
        upstreams.connections().forEach(c -> state.put(c.spec().name(), c.status().name().toLowerCase(java.util.Locale.ROOT)));
        return state;
    }

    /**
     * For the operator's banner: each upstream's state and, while it is not up, its last problem (once it is up
     * again, the old exit is history, not its state).
     */
    public Map<String, String> upstreamStatus() {
        Map<String, String> status = new LinkedHashMap<>();
        upstreams.connections().forEach(c -> status.put(c.spec().name(), c.status() == UpstreamStatus.UP ? "up"
                : c.status().name().toLowerCase(java.util.Locale.ROOT) + c.lastProblem().map(p -> ": " + p).orElse("")));
        return status;
    }

    @Override
    public void close() {
        upstreams.stopAll();
    }
}
