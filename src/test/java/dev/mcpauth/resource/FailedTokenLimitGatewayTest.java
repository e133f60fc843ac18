package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.cli.Cli;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.TokenMinter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failed-token budget from the config file through {@code serve}'s own option parsing to the running gateway. */
class FailedTokenLimitGatewayTest {

    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    @TempDir
    Path dir;

    private static String forged(TestGateway gateway) {
        return TokenMinter.withSecret("another-secret-that-is-at-least-32-bytes".getBytes(StandardCharsets.UTF_8)).token()
                .subject("mallory").audience(gateway.mcpUrl()).scope("mcp:tools").ttl(Duration.ofMinutes(5)).mint();
    }

    @Test
    void budgetFromTheConfigFileReachesTheGatewaysBearerAuth() throws Exception {
        Path yaml = Files.writeString(dir.resolve("mcp-auth.yaml"), "max-token-failures: 2\ntoken-failure-window: 90s\n");
        GatewayConfig config = Cli.serveConfig("--port", "0", "--stateless", "--secret", TestGateway.SECRET,
                "--files-root", dir.toString(), "--config", yaml.toString());
        assertThat(config.edge().maxTokenFailures()).isEqualTo(2);
        assertThat(config.edge().tokenFailureWindow()).isEqualTo(Duration.ofSeconds(90));

        try (TestGateway gateway = TestGateway.start(config)) {
            String alice = gateway.token();
            assertThat(gateway.send(gateway.post(alice, LIST)).statusCode()).isEqualTo(200);
            for (int i = 0; i < 2; i++) {
                assertThat(gateway.send(gateway.post(forged(gateway), LIST)).statusCode()).isEqualTo(401);
            }

            HttpResponse<String> refused = gateway.send(gateway.post(forged(gateway), LIST));

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 90L);
            assertThat(TestGateway.json(refused.body()).path("error").asText()).isEqualTo("too_many_failed_tokens");
            assertThat(gateway.send(gateway.post(gateway.token(), LIST)).statusCode()).isEqualTo(429);
            HttpResponse<String> known = gateway.send(gateway.post(alice, LIST));
            assertThat(known.statusCode()).isEqualTo(200);
            assertThat(TestGateway.message(known).path("result").path("tools").isArray()).isTrue();
        }
    }

    @Test
    void serveDefaultsMatchTheDocumentedBudget() {
        GatewayConfig config = Cli.serveConfig("--port", "0", "--secret", TestGateway.SECRET, "--files-root", dir.toString());

        assertThat(config.edge().maxTokenFailures()).isEqualTo(GatewayConfig.Edge.DEFAULT_MAX_TOKEN_FAILURES);
        assertThat(config.edge().tokenFailureWindow()).isEqualTo(GatewayConfig.Edge.DEFAULT_TOKEN_FAILURE_WINDOW);
    }

    @Test
    void flagWinsOverTheConfigFileAndZeroTurnsTheLimitOff() throws Exception {
        Path yaml = Files.writeString(dir.resolve("mcp-auth.yaml"), "max-token-failures: 2\n");
        GatewayConfig config = Cli.serveConfig("--port", "0", "--stateless", "--secret", TestGateway.SECRET,
                "--files-root", dir.toString(), "--config", yaml.toString(), "--max-token-failures", "0");

        try (TestGateway gateway = TestGateway.start(config)) {
            for (int i = 0; i < 5; i++) {
                assertThat(gateway.send(gateway.post(forged(gateway), LIST)).statusCode()).isEqualTo(401);
            }
            assertThat(gateway.send(gateway.post(gateway.token(), LIST)).statusCode()).isEqualTo(200);
        }
    }
}
