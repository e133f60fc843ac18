package dev.mcpauth.bench;

import dev.mcpauth.cli.VersionProvider;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.AccessLog;
import dev.mcpauth.http.AllowedOrigins;
import dev.mcpauth.http.CorsHandler;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.GatewayServer;
import dev.mcpauth.http.JsonRpcBodyReader;
import dev.mcpauth.http.OriginCheck;
import dev.mcpauth.http.RequestLimits;
import dev.mcpauth.http.VirtualThreadDispatch;
import dev.mcpauth.mcp.McpServerFactory;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.mcp.UndertowStatelessTransport;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.resource.AuditLog;
import dev.mcpauth.resource.Challenge;
import dev.mcpauth.resource.ProtectedResourceMetadata;
import dev.mcpauth.resource.ToolPolicyHandler;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.tools.BuiltinTools;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BENCH ONLY, never a production mode: the stateless gateway's own handler chain, built from the same pieces in the
 * same order as {@code GatewayServer.chain}, with {@code BearerAuthHandler} replaced by a handler that attaches a
 * fixed {@link AccessToken} (the one the benchmark's token carries). Policy, tools and transport still see a
 * token, so the difference to {@code serve --stateless} is exactly the cost of authentication: reading the
 * Authorization header, the cache lookup (or verification) and the audit hook.
 * Usage: {@code AuthOffGateway PORT}.
 */
public final class AuthOffGateway {

    private AuthOffGateway() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String base = "http://" + BenchHosts.LOOPBACK + ":" + port;
        String resource = base + "/mcp";
        GatewayConfig config = new GatewayConfig(
                new GatewayConfig.Listener(BenchHosts.LOOPBACK, port, "/mcp", null, true),
                new GatewayConfig.SharedSecret("unused-in-the-auth-off-bench-variant!!".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new GatewayConfig.JwtChecks(null, Set.of(), false, Duration.ofSeconds(60)),
                new GatewayConfig.Policy(Map.of(), Set.of()),
                new GatewayConfig.Tools(true, Path.of(".").toAbsolutePath().normalize(), List.of("echo"), Duration.ofSeconds(30)),
                new GatewayConfig.Edge(List.of(), 1024 * 1024, 256),
                null, List.of(), List.of()).validate();
        ScopePolicy policy = GatewayServer.policy(config);
        ProtectedResourceMetadata metadata = new ProtectedResourceMetadata(URI.create(resource), List.of(), Set.of(), "bench", null);
        ToolCatalog catalog = GatewayServer.catalog(config, policy, resource, metadata);
        UndertowStatelessTransport transport = new UndertowStatelessTransport();
        new McpServerFactory(catalog, policy, GatewayServer.SERVER_NAME, VersionProvider.version(), null).stateless(transport);
        Challenge challenge = new Challenge("mcp", metadata.metadataUrl(), Set.of(), null);
        AccessToken identity = new AccessToken("bench-user", "bench-client", Set.of(BuiltinTools.MATH_CALCULATE), List.of(resource),
                null, Instant.now().plus(Duration.ofDays(1)), Map.of("sub", "bench-user"));
        AllowedOrigins origins = AllowedOrigins.defaults(URI.create(base), true);
        HttpHandler fixedIdentity = exchange -> exchange.putAttachment(Exchanges.ACCESS_TOKEN, identity);
        JsonRpcBodyReader rest = new JsonRpcBodyReader(config.edge().maxBodyBytes(), new ToolPolicyHandler(policy, challenge, new AuditLog(), transport));
        HttpHandler mcp = new OriginCheck(origins, new VirtualThreadDispatch(exchange -> {
            fixedIdentity.handleRequest(exchange);
            rest.handleRequest(exchange);
        }));
        PathHandler routes = new PathHandler();
        routes.addExactPath("/mcp", mcp);
        HttpHandler root = new AccessLog(new RequestLimits(config.edge().maxConcurrentRequests(), config.edge().maxBodyBytes(),
                new CorsHandler(origins, routes)));
        Undertow.builder()
                .addHttpListener(port, BenchHosts.LOOPBACK)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(8)
                .setByteBufferPool(VirtualThreadDispatch.byteBufferPool())
                .setHandler(root)
                .build()
                .start();
        BenchHosts.ready("auth-off", port);
    }
}
