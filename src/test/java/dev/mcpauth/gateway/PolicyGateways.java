package dev.mcpauth.gateway;

import dev.mcpauth.cli.Cli;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Gateways configured the way an operator does it: {@code serve --config mcp-auth.yaml} with a {@code policy} section. */
final class PolicyGateways {

    /** Every part of issue 16's items 1, 2 and 5 at once: implications, conditions, rate limits. */
    static final String YAML = """
            policy:
              implies:
                admin: [files:write, math:all]
                files:write: [read:files]
                math:all: math:calculate
              tools:
                multiply_numbers: [math:calculate, math:all]
                add_numbers:
                  when: 'args.a < 100'
                  message: add_numbers only adds numbers below 100
                get_server_info:
                  when: 'has(claims.groups) && claims.groups.exists(g, g == "eng")'
                  message: server information is for engineers
              rate-limits:
                - {name: add-per-hour, tools: add_numbers, per: subject, calls: 2, window: 1h}
                - {name: one-command-at-a-time, tools: execute_command, per: client, concurrent: 1}
            commands:
              sleep: ["[0-9.]{1,4}"]
            """;

    private PolicyGateways() {
    }

    /** The configuration {@code serve --config <yaml> --secret ... --port 0 [more]} runs with, built-in tools under {@code root}. */
    static GatewayConfig config(Path root, String yaml, String... more) throws Exception {
        Path file = Files.writeString(root.resolve("mcp-auth.yaml"), yaml);
        List<String> args = new ArrayList<>(List.of("--config", file.toString(), "--secret", TestGateway.SECRET, "--host", "127.0.0.1",
                "--port", "0", "--files-root", root.toString()));
        args.addAll(List.of(more));
        return Cli.serveConfig(args.toArray(String[]::new));
    }

    /** An HS256 token for {@code gw} with a subject, a client, scopes and extra claims. */
    static String token(TestGateway gw, String subject, String client, List<String> scopes, Map<String, Object> claims) {
        TokenMinter.Draft draft = TokenMinter.withSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject(subject).clientId(client).audience(gw.mcpUrl()).scopes(scopes).ttl(Duration.ofMinutes(5));
        claims.forEach(draft::claim);
        return draft.mint();
    }
}
