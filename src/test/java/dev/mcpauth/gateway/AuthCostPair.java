package dev.mcpauth.gateway;

import dev.mcpauth.http.Exchanges;

import dev.mcpauth.bench.BenchHosts;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.TokenMinter;
import dev.mcpauth.tools.BuiltinTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BENCH ONLY, never a production mode: two {@code serve --stateless} gateways in one JVM, each with exactly its own
 * handler chain. On the first port the authentication stage is replaced by one that attaches a fixed
 * {@link AccessToken} (the one the token of the second carries); the second authenticates as {@code serve --secret}
 * does, with {@link BearerAuthHandler}. Policy, tools and transport see a token on both, so the difference between
 * the two is exactly the cost of authentication: reading the Authorization header, the cache lookup (or
 * verification), the failed-token check and the audit hook.
 * <p>One JVM, not one beside {@code serve}: both chains run on the same JIT-compiled code, heap and threads, so the
 * comparison is not also one of two JVMs' compilation outcomes, which alone moved it by up to 15% (bench/README.md).
 * It lives in the {@code http} test package because {@link GatewayServer#start(GatewayConfig, GatewayServer.AuthenticationStage)}
 * is package-private: the product has no way to turn authentication off.
 * Usage: {@code AuthCostPair OFF_PORT ON_PORT TOKEN_FILE}; writes the HS256 token the second port accepts to TOKEN_FILE.
 */
public final class AuthCostPair {

    private AuthCostPair() {
    }

    public static void main(String[] args) throws Exception {
        int offPort = Integer.parseInt(args[0]);
        int onPort = Integer.parseInt(args[1]);
        Path tokenFile = Path.of(args[2]);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        secret = HexFormat.of().formatHex(secret).getBytes(StandardCharsets.UTF_8);

        String onResource = "http://" + BenchHosts.LOOPBACK + ":" + onPort + "/mcp";
        Duration ttl = Duration.ofHours(2);
        String token = TokenMinter.withSecret(secret).token().subject("bench-user").clientId("bench-client").audience(onResource)
                .scope(BuiltinTools.MATH_CALCULATE).ttl(ttl).mint();
        Files.writeString(tokenFile, token, StandardCharsets.UTF_8);
        GatewayServer.start(config(onPort, secret));

        AccessToken identity = new AccessToken("bench-user", "bench-client", Set.of(BuiltinTools.MATH_CALCULATE),
                List.of("http://" + BenchHosts.LOOPBACK + ":" + offPort + "/mcp"), null, Instant.now().plus(ttl), Map.of("sub", "bench-user"));
        GatewayServer.start(config(offPort, secret), (verifier, challenge, audit, next) -> exchange -> {
            exchange.putAttachment(Exchanges.ACCESS_TOKEN, identity);
            next.handleRequest(exchange);
        });
        BenchHosts.ready("auth-cost pair", offPort);
    }

    /** What {@code serve --stateless --secret S} builds; the only difference between the two is the port. */
    private static GatewayConfig config(int port, byte[] secret) {
        return new GatewayConfig(
                new GatewayConfig.Listener(BenchHosts.LOOPBACK, port, "/mcp", null, true),
                new GatewayConfig.SharedSecret(secret),
                new GatewayConfig.JwtChecks(null, Set.of(), false, Duration.ofSeconds(60)),
                new GatewayConfig.Policy(Map.of(), Set.of()),
                new GatewayConfig.Tools(true, Path.of(".").toAbsolutePath().normalize(), List.of("echo"), Duration.ofSeconds(30)),
                new GatewayConfig.Edge(List.of(), 1024 * 1024, 256),
                null, List.of(), List.of()).validate();
    }
}
