package dev.mcpauth.cli;

import com.nimbusds.jose.jwk.JWK;
import dev.mcpauth.authserver.AuthServerConfig;
import dev.mcpauth.authserver.AuthorizationServer;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.Durations;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.AuthServerEdge;
import dev.mcpauth.http.AllowedHosts;
import dev.mcpauth.http.BoundServer;
import dev.mcpauth.token.Keys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcp-auth authserver}: the embedded OAuth 2.1 authorization server on its own port (the two-process layout). */
@Command(name = "authserver", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {
            // One element per paragraph: picocli ends a line after each, and the first is the man page's NAME.
            "Run the OAuth 2.1 authorization server alone.",
            "It serves RFC 8414 metadata, JWKS, dynamic client registration (RFC 7591), authorization code + PKCE with a consent page, "
                    + "refresh, token exchange and revocation; client_credentials and introspection for the clients given with --client only.",
            "Point resource servers at it with: mcp-auth serve --issuer <this issuer>."
        })
public final class AuthServerCommand implements Callable<Integer> {

    static final String DEFAULT_RESOURCE = "http://127.0.0.1:8001/mcp";

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "9000", description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--issuer", paramLabel = "URL", description = "Issuer URL (RFC 8414 §2; https, or http on loopback), as clients reach this server. Default: http://HOST:PORT.")
    String issuer;

    @Option(names = "--resource", paramLabel = "URL", split = ",", description = "Resource (MCP server URL, RFC 8707) tokens may be issued for; repeatable, the first is the default. Default: " + DEFAULT_RESOURCE + ".")
    List<String> resources;

    @Option(names = "--auto-approve", description = "Issue codes without the consent page, as the first --user (tests and demos only).")
    boolean autoApprove;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Keep clients, grants and the generated signing key in DIR across restarts (an embedded database; JSON state of earlier versions is imported on first start).")
    Path stateDir;

    @picocli.CommandLine.Mixin
    StateDatabaseOptions stateDb;

    @Option(names = "--key", paramLabel = "FILE", description = "Private signing key: JWK, JWKS or PEM file (see 'mcp-auth keys generate'). Default: an ES256 key generated at start (kept in --state-dir).")
    Path key;

    @Option(names = "--secret", paramLabel = "SECRET", description = "Sign HS256 with this shared secret (at least 32 bytes) instead of a published key; give serve the same --secret.")
    String secret;

    @Option(names = "--client", paramLabel = "ID:SECRET[:SCOPES]", split = ",", description = "A confidential client configured by the operator; repeatable. It may introspect tokens, and with SCOPES (space-separated, e.g. 'batch:s3cret:math:calculate read:files'; the secret holds no colon) use client_credentials for those scopes only. Without SCOPES: introspection only. Registered clients get neither.")
    List<String> clients = new ArrayList<>();

    @Option(names = "--user", paramLabel = "NAME:PASSWORD", split = ",", description = "A user who may sign in on the consent page; repeatable. Default: demo:demo.")
    List<String> users = new ArrayList<>();

    @Option(names = "--allowed-host", paramLabel = "HOST", split = ",", description = "Host names clients may reach this server by (Host header, DNS-rebinding defence); repeatable. Bound to loopback, only localhost, *.localhost, 127.0.0.1, [::1], the --issuer host and these are answered (421 otherwise); bound elsewhere with none given, any host is.")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--registration-rate-limit", paramLabel = "N", defaultValue = "20", description = "Dynamic client registrations accepted per minute from one address (429 naming this option above). Default: ${DEFAULT-VALUE}.")
    int registrationRateLimit;

    @Option(names = "--client-metadata-private-hosts", description = "Development only: fetch client ID metadata documents (https URLs used as client_id) from loopback and private addresses too, and over http on loopback. Without it only public https hosts are fetched.")
    boolean clientMetadataPrivateHosts;

    @Option(names = "--access-token-ttl", paramLabel = "DURATION", defaultValue = "15m", description = "Lifetime of access tokens. Default: ${DEFAULT-VALUE}.")
    String accessTokenTtl;

    @Spec
    CommandSpec spec;

    /** The server this command started (tests stop it through here). */
    Running running;

    @Override
    public Integer call() throws Exception {
        running = start();
        ServeCommand.RUNNING.set(true);
        Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "mcp-auth-authserver-shutdown"));
        spec.commandLine().getErr().println(running.banner());
        spec.commandLine().getErr().flush();
        return 0;
    }

    /** Checks every option, binds (so that port 0 yields the real issuer), then builds the server for the bound port. */
    Running start() throws IOException {
        Map<String, String> userMap = pairs("--user", "NAME:PASSWORD", users);
        if (userMap.isEmpty()) {
            userMap.put("demo", "demo");
        }
        List<AuthServerConfig.PreconfiguredClient> preconfigured = new ArrayList<>();
        pairs("--client", "ID:SECRET[:SCOPES]", clients).forEach((id, secretAndScopes) ->
                preconfigured.add(operatorClient(id, secretAndScopes)));
        Duration ttl = Durations.parse("--access-token-ttl", accessTokenTtl);
        JWK signingKey = signingKey();
        List<String> served = resources == null || resources.isEmpty() ? List.of(DEFAULT_RESOURCE) : resources;
        served.forEach(r -> GatewayConfig.uri("--resource", r));
        for (String allowed : allowedHosts) {
            if (!AllowedHosts.isHostName(allowed)) {
                throw new ConfigException("--allowed-host takes a host name without scheme or port (e.g. as.example.com), got '" + allowed + "'");
            }
        }
        boolean loopback = BoundServer.isLoopback(host);
        if (issuer == null && !loopback) {
            throw new ConfigException("--issuer is required when binding to " + host + ": give the https URL clients reach this server at");
        }
        if (registrationRateLimit < 1) {
            throw new ConfigException("--registration-rate-limit must be at least 1, not " + registrationRateLimit);
        }
        BoundServer server = BoundServer.listen(host, port);
        int bound = server.port();
        try {
            String issuerUrl = issuer != null ? issuer : "http://" + hostForUrl(host) + ":" + bound;
            AuthServerConfig.Builder config = AuthServerConfig.builder(issuerUrl)
                    .resources(served)
                    .accessTokenTtl(ttl)
                    .registrationsPerMinute(registrationRateLimit)
                    .clientMetadataFromPrivateHosts(clientMetadataPrivateHosts)
                    .autoApprove(autoApprove)
                    .autoApproveUser(userMap.keySet().iterator().next())
                    .users(userMap)
                    .sharedSecret(secret)
                    .signingKey(signingKey)
                    .stateDirectory(stateDir)
                    .stateDatabase(stateDb == null ? null : stateDb.toUrl());
            preconfigured.forEach(config::client);
            AuthorizationServer as = new AuthorizationServer(config.build());
            server.serve(AuthServerEdge.chain(as, AllowedHosts.forServer(host, loopback, URI.create(issuerUrl), allowedHosts), loopback));
            return new Running(server, as, bound, describeSigning(as), userMap.keySet(), preconfigured);
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    private JWK signingKey() {
        if (key != null && secret != null) {
            throw new ConfigException("give --key or --secret, not both");
        }
        return key == null ? null : Keys.loadPrivateKey(key);
    }

    private String describeSigning(AuthorizationServer as) {
        if (secret != null) {
            return "HS256 with the shared secret (no published keys; resource servers need the same --secret)";
        }
        JWK published = as.publicKeys().getKeys().get(0);
        String origin = key != null ? "from " + key
                : stateDir != null ? "generated, kept in " + stateDir.resolve("signing-key.json")
                : as.config().stateDatabase() != null ? "generated once, kept in the state database " + as.config().stateDatabase()
                : "generated at start, not kept (use --state-dir or --key so tokens survive a restart)";
        return published.getKeyType() + " key " + published.getKeyID() + ", " + origin;
    }

    /**
     * {@code SECRET[:SCOPES]}, split at its first colon: scope names hold colons ({@code math:calculate}), secrets may
     * not. No scopes is the safe default: the client can introspect, as a resource server does, but holds no
     * client_credentials grant, so a leaked resource-server credential is not a token for every tool.
     */
    private static AuthServerConfig.PreconfiguredClient operatorClient(String id, String secretAndScopes) {
        int colon = secretAndScopes.indexOf(':');
        String clientSecret = colon < 0 ? secretAndScopes : secretAndScopes.substring(0, colon);
        Set<String> scopes = new java.util.LinkedHashSet<>();
        if (colon >= 0) {
            scopes.addAll(List.of(secretAndScopes.substring(colon + 1).trim().split(" +")));
            scopes.remove("");
        }
        if (clientSecret.isEmpty()) {
            throw new ConfigException("--client must look like ID:SECRET[:SCOPES] (a name, a colon, then a non-empty secret)");
        }
        return new AuthServerConfig.PreconfiguredClient(id, clientSecret, scopes, null);
    }

    /** NAME:VALUE pairs, split at the first colon, in the order given. */
    private static Map<String, String> pairs(String option, String label, List<String> values) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String v : values == null ? List.<String>of() : values) {
            int colon = v.indexOf(':');
            if (colon <= 0 || colon == v.length() - 1) {
                // The value is not echoed: it may hold a password.
                throw new ConfigException(option + " must look like " + label + " (a name, a colon, then a non-empty secret)");
            }
            if (map.put(v.substring(0, colon), v.substring(colon + 1)) != null) {
                throw new ConfigException(option + " names '" + v.substring(0, colon) + "' twice");
            }
        }
        return map;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** A running authorization server: its address, its banner, and how to stop it. */
    static final class Running {
        private final BoundServer server;
        private final AuthorizationServer as;
        private final int port;
        private final String signing;
        private final Set<String> users;
        private final List<AuthServerConfig.PreconfiguredClient> clients;
        private final AtomicBoolean stopped = new AtomicBoolean();

        Running(BoundServer server, AuthorizationServer as, int port, String signing, Set<String> users,
                List<AuthServerConfig.PreconfiguredClient> clients) {
            this.server = server;
            this.as = as;
            this.port = port;
            this.signing = signing;
            this.users = Set.copyOf(users);
            this.clients = clients;
        }

        int port() {
            return port;
        }

        String issuer() {
            return as.issuer();
        }

        /** RFC 8414 metadata names {@code jwks_uri} as the issuer plus {@code /oauth/jwks}. */
        String jwksUrl() {
            return as.issuer() + "/oauth/jwks";
        }

        /** Never a secret or password: only names, URLs and the key id. */
        String banner() {
            StringBuilder b = new StringBuilder();
            b.append("mcp-auth ").append(VersionProvider.version()).append(" authorization server ").append(as.issuer()).append('\n');
            b.append("  metadata: ").append(as.metadataUrl()).append('\n');
            b.append("  jwks: ").append(jwksUrl()).append('\n');
            b.append("  signing: ").append(signing).append('\n');
            b.append("  issues tokens for: ").append(String.join(", ", as.config().resources())).append('\n');
            b.append("  sign-in: ").append(as.config().autoApprove()
                    ? "auto-approve as " + as.config().autoApproveUser()
                    : "consent page, users " + String.join(", ", new TreeSet<>(users))).append('\n');
            if (!clients.isEmpty()) {
                b.append("  pre-configured clients: ")
                        .append(String.join(", ", clients.stream().map(AuthServerConfig.PreconfiguredClient::clientId).toList())).append('\n');
            }
            b.append("  resource servers: mcp-auth serve --issuer ").append(as.issuer())
                    .append(as.config().sharedSecret() != null ? " --secret <the same secret>" : "");
            return b.toString();
        }

        /** Idempotent: the shutdown hook may run after an explicit stop. */
        void stop() {
            if (stopped.compareAndSet(false, true)) {
                server.stop();
                as.close();
            }
        }
    }
}
