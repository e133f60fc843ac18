package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.GatewayServer;
import dev.mcpauth.gateway.ToolSources;
import dev.mcpauth.gateway.Verifiers;
import dev.mcpauth.mcp.McpServerFactory;
import dev.mcpauth.mcp.StdioFront;
import dev.mcpauth.modern.ModernServer;
import dev.mcpauth.modern.StdioModernLane;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.resource.ProtectedResourceMetadata;
import dev.mcpauth.token.TokenRejected;
import dev.mcpauth.token.TokenVerifier;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code serve --stdio}: the same tools and policy over stdin/stdout. The token comes from the environment
 * ({@code MCP_AUTH_TOKEN}) or {@code --token-file}; it is verified before serving and again (cheaply, from the
 * cache) on every call, so an expired or revoked token stops working mid-session. Dual-era, per message: an
 * {@code initialize} starts a legacy session (2025-06-18, 2025-11-25); a request carrying MCP 2026-07-28 {@code _meta}
 * is answered statelessly by a {@link ModernServer} over the same catalog and policy, as on HTTP.
 */
final class StdioRunner {

    /** How long, after stdin ends, replies still owed may take before the process exits anyway. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private StdioRunner() {
    }

    static int run(GatewayConfig config, Path tokenFile) throws IOException {
        if (config.auth() instanceof GatewayConfig.EmbeddedAuthServer) {
            throw new ConfigException("--stdio needs a way to validate its token: --secret, --jwks-uri/--issuer or --introspection-uri");
        }
        String token = readToken(tokenFile);
        String resourceUrl = config.listener().resourceUrl(config.listener().port());
        TokenVerifier verifier = Verifiers.forConfig(config.auth(), config.jwt(), resourceUrl, null, null);
        try {
            verifier.verify(token);
        } catch (TokenRejected e) {
            throw new CliFailure("the stdio token was rejected (" + e.reason().errorCode() + "): " + e.description());
        }
        Policy policy = ToolSources.policy(config);
        ProtectedResourceMetadata metadata = new ProtectedResourceMetadata(URI.create(resourceUrl),
                config.jwt().issuer() == null ? List.of() : List.of(URI.create(config.jwt().issuer())), Set.of(), "mcp-auth gateway", null);
        try (ToolSources tools = ToolSources.start(config, policy, resourceUrl, metadata)) {
            // One dispatch for both eras on the one stream: the session's requests and the 2026-07-28 lane's.
            McpServerFactory factory = new McpServerFactory(tools.catalog(), policy, GatewayServer.SERVER_NAME, VersionProvider.version(),
                    config.scopeUpgradeEndpoint());
            try (ModernServer modern = new ModernServer(tools.catalog(), factory.dispatch(), GatewayServer.SERVER_NAME, VersionProvider.version(),
                    GatewayServer.LIST_TTL)) {
                new StdioFront(factory, () -> verifier.verify(token).presentedAs(token), System.in, System.out, DRAIN_TIMEOUT,
                        admission -> new StdioModernLane(modern, admission)).run();
                System.out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String readToken(Path tokenFile) throws IOException {
        String token = tokenFile != null
                ? OptionFile.read("--token-file", tokenFile)
                : System.getenv("MCP_AUTH_TOKEN");
        if (token == null || token.isBlank()) {
            throw new ConfigException("--stdio needs the caller's access token in MCP_AUTH_TOKEN or --token-file");
        }
        return token.strip();
    }
}
