package dev.mcpauth.http;

import dev.mcpauth.bench.BenchHosts;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.tools.BuiltinTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BENCH ONLY, never a production mode: {@code serve --stateless} with exactly its own handler chain, but with the
 * authentication stage replaced by one that attaches a fixed {@link AccessToken} (the one the benchmark's token
 * carries). Policy, tools and transport still see a token, so the difference to the HS256 row is exactly the cost
 * of authentication: reading the Authorization header, the cache lookup (or verification) and the audit hook.
 * It lives in the {@code http} test package because {@link GatewayServer#start(GatewayConfig, GatewayServer.AuthenticationStage)}
 * is package-private: the product has no way to turn authentication off. Usage: {@code AuthOffGateway PORT}.
 */
public final class AuthOffGateway {

    private AuthOffGateway() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String resource = "http://" + BenchHosts.LOOPBACK + ":" + port + "/mcp";
        GatewayConfig config = new GatewayConfig(
                new GatewayConfig.Listener(BenchHosts.LOOPBACK, port, "/mcp", null, true),
                new GatewayConfig.SharedSecret("unused-in-the-auth-off-bench-variant!!".getBytes(StandardCharsets.UTF_8)),
                new GatewayConfig.JwtChecks(null, Set.of(), false, Duration.ofSeconds(60)),
                new GatewayConfig.Policy(Map.of(), Set.of()),
                new GatewayConfig.Tools(true, Path.of(".").toAbsolutePath().normalize(), List.of("echo"), Duration.ofSeconds(30)),
                new GatewayConfig.Edge(List.of(), 1024 * 1024, 256),
                null, List.of(), List.of()).validate();
        AccessToken identity = new AccessToken("bench-user", "bench-client", Set.of(BuiltinTools.MATH_CALCULATE), List.of(resource),
                null, Instant.now().plus(Duration.ofDays(1)), Map.of("sub", "bench-user"));
        GatewayServer.start(config, (verifier, challenge, audit, next) -> exchange -> {
            exchange.putAttachment(Exchanges.ACCESS_TOKEN, identity);
            next.handleRequest(exchange);
        });
        BenchHosts.ready("auth-off", port);
    }
}
