package dev.mcpauth.cli;

import dev.mcpauth.client.AuthorizationTarget;
import dev.mcpauth.client.Discovery;
import dev.mcpauth.client.LoginFlow;
import dev.mcpauth.client.SessionCredentials;
import dev.mcpauth.client.TokenStore;
import dev.mcpauth.config.Durations;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.GatewayServer;
import dev.mcpauth.mcp.McpServerFactory;
import dev.mcpauth.mcp.StdioFront;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.upstream.TokenSource;
import dev.mcpauth.upstream.UpstreamCredentials;
import dev.mcpauth.upstream.UpstreamSpec;
import dev.mcpauth.upstream.Upstreams;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mcp-auth connect}: a stdio MCP server for local clients that only speak stdio, forwarding to a remote
 * OAuth-protected Streamable HTTP server. Logs in as {@code flow} does, keeps the tokens in a private file keyed
 * by issuer and resource, refreshes them, and logs in again when a refresh is refused.
 */
@Command(name = "connect", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Serve a remote OAuth-protected MCP server's tools over stdio, for local MCP clients that spawn this process.",
                "Logs in on first use (browser, or the printed URL with --no-browser) and remembers the tokens in a private file.",
                "Everything but the MCP protocol goes to stderr."})
public final class ConnectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "The remote MCP endpoint, e.g. https://mcp.example.com/mcp.")
    String url;

    @Mixin
    LoginOptions login;

    @Option(names = "--token-store", paramLabel = "FILE", description = "Where tokens are kept (mode 600). Default: $XDG_CONFIG_HOME/mcp-auth/tokens.json or ~/.config/mcp-auth/tokens.json.")
    Path tokenStore;

    @Option(names = "--login-timeout", paramLabel = "DURATION", defaultValue = "5m", description = "How long to wait for a login. Default: ${DEFAULT-VALUE}.")
    String loginTimeout;

    @Option(names = "--call-timeout", paramLabel = "DURATION", defaultValue = "60s", description = "Time limit of one forwarded call. Default: ${DEFAULT-VALUE}.")
    String callTimeout;

    @Option(names = "--protocol", paramLabel = "ERA", defaultValue = "auto",
            description = "Which MCP era to speak to the remote: auto (the local client's own 2025 revision when the remote still speaks it, as it carries completions and resource subscriptions; else 2026-07-28 when its server/discover offers it), 2026-07-28, or legacy. Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        URI remote = GatewayConfig.uri("URL", url);
        UpstreamSpec.Era era = UpstreamSpec.Era.named(protocol).orElseThrow(
                () -> new CliFailure("--protocol must be " + UpstreamSpec.Era.WORDS + ", not '" + protocol + "'", 2));
        java.util.function.Consumer<String> progress = line -> {
            err.println("connect: " + line);
            err.flush();
        };
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        SessionCredentials credentials;
        LoginFlow.Options options = login.options(null, Durations.parse("--login-timeout", loginTimeout));
        try {
            AuthorizationTarget target = new Discovery(http, progress).discover(remote);
            LoginFlow flow = new LoginFlow(http, progress, login.browser(err, "connect: "));
            credentials = new SessionCredentials(target, flow, options,
                    new TokenStore(tokenStore != null ? tokenStore : TokenStore.defaultFile()), progress);
            credentials.accessToken();
        } catch (IOException e) {
            throw new CliFailure("connect failed: " + CliFailure.reachability(e, remote));
        }
        return serve(remote, credentials, era);
    }

    private int serve(URI remote, SessionCredentials credentials, UpstreamSpec.Era era) throws InterruptedException {
        TokenSource tokens = new TokenSource() {
            @Override
            public String current() throws IOException, InterruptedException {
                return credentials.accessToken();
            }

            @Override
            public void invalidate() {
                credentials.rejected();
            }

            @Override
            public boolean rejected(int status, String challenge) {
                return credentials.rejected(status, challenge);
            }
        };
        ToolCatalog catalog = new ToolCatalog();
        UpstreamSpec spec = UpstreamSpec.http("remote", remote, new UpstreamCredentials.Provided(tokens))
                .withPrefix(false).withCallTimeout(Durations.parse("--call-timeout", callTimeout)).withEra(era);
        // The local side is the user's own client on their machine: every remote tool is offered; the remote enforces scopes.
        Policy everything = Policy.of(ScopePolicy.of(Map.of(), Set.of()));
        AccessToken localUser = new AccessToken("local-user", "mcp-auth-connect", Set.of(), List.of(), "local",
                Instant.now().plus(Duration.ofDays(3650)), Map.of());
        try (Upstreams upstreams = new Upstreams(List.of(spec))) {
            upstreams.startAll(catalog);
            McpServerFactory factory = new McpServerFactory(catalog, everything, GatewayServer.SERVER_NAME, VersionProvider.version(), null);
            new StdioFront(factory, () -> localUser, System.in, System.out).run();
            System.out.flush();
        }
        return 0;
    }
}
