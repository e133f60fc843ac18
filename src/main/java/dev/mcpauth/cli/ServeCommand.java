package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.Durations;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.config.IssuerSections;
import dev.mcpauth.config.TrustedIssuer;
import dev.mcpauth.gateway.GatewayServer;
import dev.mcpauth.http.MetricsListener;
import dev.mcpauth.trace.Tracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcp-auth serve}: the gateway. */
@Command(name = "serve", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {
            "Serve MCP tools over Streamable HTTP (or stdio) behind OAuth bearer-token authentication and per-tool scopes.",
            "With no token-validation option it runs the embedded OAuth 2.1 authorization server on the same port."
        })
public final class ServeCommand implements Callable<Integer> {

    /** Set while a server runs, so that {@code main} leaves the JVM alive for it. */
    static final AtomicBoolean RUNNING = new AtomicBoolean();

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (YAML). Default: ./mcp-auth.yaml when present.")
    Path config;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8001", description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--mcp-path", defaultValue = "/mcp", description = "Path of the MCP endpoint. Default: ${DEFAULT-VALUE}.")
    String mcpPath;

    @Option(names = "--public-url", paramLabel = "URL", description = "Origin clients reach this server at (behind a proxy); the resource identifier is URL + --mcp-path.")
    String publicUrl;

    @Option(names = "--stateless", description = "No MCP sessions: every POST is answered on its own.")
    boolean stateless;

    @Option(names = "--stdio", description = "Serve over stdin/stdout for a local client that spawns this process; the token comes from MCP_AUTH_TOKEN or --token-file.")
    boolean stdio;

    @Option(names = "--token-file", paramLabel = "FILE", description = "With --stdio: read the caller's access token from FILE.")
    Path tokenFile;

    @Mixin
    VerifierOptions verifier;

    @Mixin
    PolicyOptions policy;

    @Option(names = "--upstream", paramLabel = "[NAME=]COMMAND|URL",
            description = {"Put an existing MCP server behind the gateway: a stdio command line (run without a shell) or a Streamable HTTP URL; repeatable.",
                    "Its tools are exposed as NAME__tool (unprefixed when it is the only source of tools). Default NAME: u1, u2, ..."})
    List<String> upstreams = new ArrayList<>();

    @Option(names = "--no-builtin-tools", description = "Expose no built-in tools (only upstream servers).")
    boolean noBuiltinTools;

    @Option(names = "--files-root", paramLabel = "DIR", defaultValue = ".", description = "Directory list_files and execute_command are confined to. Default: the working directory.")
    Path filesRoot;

    // Commas are split by AllowCommandArgument, which knows that a pattern may hold them; picocli only shows them.
    @Option(names = "--allow-command", paramLabel = "PROGRAM", split = "(?!)", splitSynopsisLabel = ",",
            description = {"Programs execute_command may run (by name, no paths), comma-separated or repeated. A bare name runs WITHOUT arguments, "
                    + "except echo, date, uname, whoami and pwd, which keep their fixed safe arguments. PROGRAM:REGEX allows arguments that each "
                    + "full-match REGEX; the pattern runs to the end of the value, so give each such program its own flag. "
                    + "More: the commands: section of the config file. An empty value allows none. "
                    + "Default: echo,date,uname,whoami,pwd."})
    List<String> allowCommands;

    @Option(names = "--command-timeout", paramLabel = "DURATION", defaultValue = "30s", description = "Time limit of execute_command. Default: ${DEFAULT-VALUE}.")
    String commandTimeout;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN", split = ",", description = "Browser origins allowed to call (DNS-rebinding defence); loopback origins are allowed when bound to loopback.")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--allowed-host", paramLabel = "HOST", split = ",", description = "Host names clients may reach this server by (Host header, DNS-rebinding defence); repeatable. Bound to loopback, only localhost, *.localhost, 127.0.0.1, [::1], the --public-url host and these are answered (421 otherwise); bound elsewhere with none given, any host is.")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576", description = "Largest request body accepted (413 above). Default: ${DEFAULT-VALUE}.")
    long maxBody;

    @Option(names = "--max-concurrent", paramLabel = "N", defaultValue = "256", description = "Requests handled at once; more wait in line (--max-queued, --queue-timeout). Default: ${DEFAULT-VALUE}.")
    int maxConcurrent;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "1024", description = "Requests that may wait for a turn beyond --max-concurrent (503 with Retry-After when the line is full). 0: refuse at once. Default: ${DEFAULT-VALUE}.")
    int maxQueued;

    @Option(names = "--queue-timeout", paramLabel = "DURATION", defaultValue = "3s", description = "Longest wait of a request for a turn (503 with Retry-After after it). 0: refuse at once. Default: ${DEFAULT-VALUE}.")
    String queueTimeout;

    @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "10s", description = "Time a connection has to send a complete request head (request line and headers); a slower one is closed. Default: ${DEFAULT-VALUE}.")
    String headerTimeout;

    @Option(names = "--body-timeout", paramLabel = "DURATION", defaultValue = "30s", description = "Time a request has to send its whole body after its head; a slower one (a body dripped byte by byte) is cut off. Default: ${DEFAULT-VALUE}.")
    String bodyTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "4096", description = "Connections open at once; a new one beyond is closed at once. Keep it below the process's file-descriptor limit. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "256", description = "Connections open at once from one client address; a new one beyond is closed at once. 0: no limit (behind a reverse proxy, where every client has its address). Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerAddress;

    @Option(names = "--max-streams", paramLabel = "N", defaultValue = "1024", description = "Long-lived SSE streams (session GET streams, subscriptions/listen) open at once; they do not count against --max-concurrent (503 above). Default: ${DEFAULT-VALUE}.")
    int maxStreams;

    @Option(names = "--max-streams-per-subject", paramLabel = "N", defaultValue = "32", description = "SSE streams one subject (token issuer and subject) may have open (429 above). Default: ${DEFAULT-VALUE}.")
    int maxStreamsPerSubject;

    @Option(names = "--max-sessions-per-subject", paramLabel = "N", defaultValue = "100", description = "MCP sessions one subject may have open (429 on initialize above). Default: ${DEFAULT-VALUE}.")
    int maxSessionsPerSubject;

    @Option(names = "--max-token-failures", paramLabel = "N", defaultValue = "30", description = "Tokens from one client address that may fail verification per --token-failure-window; past that, its new tokens get 429 without being checked (tokens already accepted keep working). 0: no limit. Default: ${DEFAULT-VALUE}.")
    int maxTokenFailures;

    @Option(names = "--token-failure-window", paramLabel = "DURATION", defaultValue = "60s", description = "How long an address's failed tokens are counted, from the first one. Default: ${DEFAULT-VALUE}.")
    String tokenFailureWindow;

    @Option(names = "--scope-upgrade-endpoint", paramLabel = "URL", description = "Where 403 bodies tell clients to upgrade their scopes (RFC 8693 token exchange). Default: the embedded AS's token endpoint when it runs.")
    String scopeUpgradeEndpoint;

    @Option(names = "--authorization-server", paramLabel = "URL", split = ",", description = "Authorization servers named in the protected resource metadata (RFC 9728). Default: --issuer, or the embedded AS.")
    List<String> authorizationServers = new ArrayList<>();

    @Option(names = "--embedded-as", description = "Run the embedded authorization server (the default when no token-validation option is given); with --secret it signs HS256 with that secret.")
    boolean embeddedAs;

    @Option(names = "--auto-approve", description = "Embedded AS: issue codes without the consent page (tests and demos only).")
    boolean autoApprove;

    @Option(names = "--registration-rate-limit", paramLabel = "N", defaultValue = "20", description = "Embedded AS: dynamic client registrations accepted per minute from one address (429 naming this option above). Default: ${DEFAULT-VALUE}.")
    int registrationRateLimit;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Embedded AS: keep clients, grants and the signing key in DIR across restarts (an embedded database; JSON state of earlier versions is imported on first start).")
    Path stateDir;

    @Mixin
    StateDatabaseOptions stateDb;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "30s", description = "On SIGTERM: how long calls in flight may take to finish after the server stops accepting connections (readiness fails at once). Default: ${DEFAULT-VALUE}.")
    String shutdownTimeout;

    @Option(names = "--otlp-endpoint", paramLabel = "URL", description = "Export spans (mcp request, authenticate, authorize, upstream call) by OTLP/HTTP to URL, e.g. http://localhost:4318/v1/traces; the caller's W3C traceparent (header or _meta) is their parent, and each upstream is told its call's span (traceparent header and _meta). Off by default: the caller's traceparent is then passed to upstreams unchanged.")
    String otlpEndpoint;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics at http://--metrics-host:PORT/metrics, a listener apart from the MCP port (0 picks a free one). Default: no metrics listener.")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address the metrics listener binds; anyone who reaches it reads tool names and error rates. Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", description = "Log lines on stderr as text or json (one object per line; audit events carry their fields). Default: ${DEFAULT-VALUE}.")
    String logFormat;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!logFormat.equalsIgnoreCase("text") && !logFormat.equalsIgnoreCase("json")) {
            throw new ConfigException("--log-format must be text or json, not '" + logFormat + "'");
        }
        LogConfigurator.useFormat(logFormat);
        GatewayConfig config = toConfig().validate();
        MetricsListener metrics = startMetrics();
        if (stdio) {
            try (metrics) {
                return StdioRunner.run(config, tokenFile);
            }
        }
        java.time.Duration drain = Durations.parse("--shutdown-timeout", shutdownTimeout);
        GatewayServer server = GatewayServer.start(config, otlpEndpoint == null ? Tracing.OFF : Tracing.otlp(otlpUrl()));
        RUNNING.set(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(drain);
            metrics.close();
        }, "mcp-auth-shutdown"));
        ServeReload.onHangup(server, spec.root().commandLine().getParseResult().originalArgs());
        String banner = server.banner() + (metricsPort == null ? "" : "\n  metrics: " + metrics.url());
        if (logFormat.equalsIgnoreCase("json")) {
            // Every line on stderr stays one JSON object, so a log shipper never meets a plain-text line.
            banner.lines().forEach(line -> LoggerFactory.getLogger(ServeCommand.class).info(line.strip()));
        } else {
            System.err.println(banner);
        }
        return 0;
    }

    /** The Prometheus listener when --metrics-port is given; otherwise a no-op stand-in. */
    private MetricsListener startMetrics() throws java.io.IOException {
        if (metricsPort == null) {
            return MetricsListener.none();
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new ConfigException("--metrics-port must be a port number from 0 to 65535, not " + metricsPort);
        }
        return MetricsListener.start(metricsHost, metricsPort);
    }

    private java.net.URI otlpUrl() {
        try {
            java.net.URI uri = new java.net.URI(otlpEndpoint);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw new ConfigException("--otlp-endpoint must be an http(s) URL such as http://localhost:4318/v1/traces, not '" + otlpEndpoint + "'");
    }

    private GatewayConfig.Auth withRegistrationLimit(GatewayConfig.Auth auth) {
        if (registrationRateLimit < 1) {
            throw new ConfigException("--registration-rate-limit must be at least 1, not " + registrationRateLimit);
        }
        return auth instanceof GatewayConfig.EmbeddedAuthServer e
                ? new GatewayConfig.EmbeddedAuthServer(e.autoApprove(), e.stateDir(), e.secret(), e.users(), registrationRateLimit, stateDb.toUrl())
                : auth;
    }

    /** The issuers section of the config file when present (several issuers), else the token-validation options. */
    private GatewayConfig.Auth auth() {
        List<TrustedIssuer> issuers = IssuerSections.issuers(sources());
        if (issuers.isEmpty()) {
            return withRegistrationLimit(verifier.auth(embeddedAs, autoApprove, stateDir));
        }
        if (verifier.anyGiven() || embeddedAs) {
            throw new ConfigException("the issuers section of the config file names every trusted issuer; it cannot be combined with"
                    + " --secret, --jwks-uri, --issuer, --introspection-uri or --embedded-as");
        }
        return new GatewayConfig.Issuers(issuers);
    }

    GatewayConfig toConfig() {
        return new GatewayConfig(
                new GatewayConfig.Listener(host, port, mcpPath, publicUrl, stateless),
                auth(),
                verifier.checks(),
                policy.toPolicy(sources()),
                new GatewayConfig.Tools(!noBuiltinTools, filesRoot.toAbsolutePath().normalize(),
                        AllowCommandArgument.parse(allowCommands, sources().section(AllowCommandArgument.SECTION).orElse(null)),
                        Durations.parse("--command-timeout", commandTimeout)),
                new GatewayConfig.Edge(allowedOrigins, maxBody, maxConcurrent, maxTokenFailures,
                        Durations.parse("--token-failure-window", tokenFailureWindow), allowedHosts,
                        new GatewayConfig.Capacity(Durations.parse("--header-timeout", headerTimeout), maxConnections,
                                maxConnectionsPerAddress, maxStreams, maxStreamsPerSubject, maxSessionsPerSubject,
                                Durations.parse("--body-timeout", bodyTimeout),
                                maxQueued, Durations.parse("--queue-timeout", queueTimeout))),
                scopeUpgradeEndpoint,
                authorizationServers,
                upstreamConfigs());
    }

    private List<GatewayConfig.UpstreamConfig> upstreamConfigs() {
        List<GatewayConfig.UpstreamConfig> all = new ArrayList<>(FileSections.upstreams(sources()));
        for (int i = 0; i < upstreams.size(); i++) {
            all.add(UpstreamArgument.parse(upstreams.get(i), "u" + (i + 1)));
        }
        return all;
    }

    private ConfigSources sources() {
        return ((EnvDefaultProvider) spec.root().commandLine().getDefaultValueProvider()).sources();
    }
}
