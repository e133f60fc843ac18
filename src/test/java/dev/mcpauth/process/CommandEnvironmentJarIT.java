package dev.mcpauth.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.JarProcess;
import dev.mcpauth.token.TokenMinter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's secrets live in its environment ({@code MCP_AUTH_SECRET}, {@code MCP_AUTH_TOKEN}); a program run by
 * {@code execute_command} must not see them. Proved with the built jar, configured only through its environment,
 * and {@code printenv} allowed for exactly those names.
 */
class CommandEnvironmentJarIT {

    private static final String SECRET = "env-leak-test-secret-at-least-32-bytes-long";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCommandSeesNoneOfTheGatewaysMcpAuthVariables() throws Exception {
        String token = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("carol").audience("http://127.0.0.1:8001/mcp").scope("execute:commands").ttl(Duration.ofMinutes(5)).mint();
        Process p = JarProcess.start(Map.of("MCP_AUTH_TOKEN", token, "MCP_AUTH_SECRET", SECRET,
                "MCP_AUTH_ALLOW_COMMAND", "printenv:MCP_AUTH_[A-Z_]+|PATH"), "serve", "--stdio");
        try (OutputStream in = p.getOutputStream()) {
            in.write(String.join("\n", List.of(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_command\",\"arguments\":"
                            + "{\"command\":\"printenv\",\"args\":[\"MCP_AUTH_SECRET\",\"MCP_AUTH_TOKEN\",\"MCP_AUTH_ALLOW_COMMAND\"]}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_command\",\"arguments\":"
                            + "{\"command\":\"printenv\",\"args\":[\"PATH\"]}}}"))
                    .concat("\n").getBytes(StandardCharsets.UTF_8));
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Map<Integer, JsonNode> replies = new HashMap<>();
        for (String line : stdout.split("\n")) {
            JsonNode msg = JSON.readTree(line);
            if (msg.has("id")) {
                replies.put(msg.get("id").asInt(), msg);
            }
        }
        JsonNode secrets = replies.get(2).at("/result/structuredContent");
        assertThat(secrets.path("exit_code").asInt()).as("printenv found none of them: %s", replies.get(2)).isEqualTo(1);
        assertThat(secrets.path("stdout").asText()).isEmpty();
        assertThat(stdout).doesNotContain(SECRET);
        assertThat(replies.get(3).at("/result/structuredContent/stdout").asText()).as("the child's PATH is the fixed one").isEqualTo("/usr/bin:/bin\n");
    }
}
