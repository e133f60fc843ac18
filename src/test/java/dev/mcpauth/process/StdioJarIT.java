package dev.mcpauth.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.JarProcess;
import dev.mcpauth.token.TokenMinter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code serve --stdio} as a real child process of the built jar, as local MCP clients spawn it. */
class StdioJarIT {

    private static final String SECRET = "stdio-test-secret-at-least-32-bytes-long";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String token(Duration ttl, String... scopes) {
        return TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("carol").audience("http://127.0.0.1:8001/mcp").scope(scopes).ttl(ttl).mint();
    }

    @Test
    void everyReplyIsFlushedOnStdinEofAndTheProcessExitsZeroWithOnlyProtocolOnStdout() throws Exception {
        Process p = JarProcess.start(Map.of("MCP_AUTH_TOKEN", token(Duration.ofMinutes(5), "math:calculate")),
                "serve", "--stdio", "--secret", SECRET);
        try (OutputStream in = p.getOutputStream()) {
            in.write(String.join("\n", List.of(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"add_numbers\",\"arguments\":{\"a\":1,\"b\":2}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"list_files\",\"arguments\":{}}}"))
                    .concat("\n").getBytes(StandardCharsets.UTF_8));
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isZero();
        Map<Integer, JsonNode> replies = new HashMap<>();
        for (String line : stdout.split("\n")) {
            JsonNode msg = JSON.readTree(line);
            assertThat(msg.get("jsonrpc").asText()).as("every stdout line is JSON-RPC: " + line).isEqualTo("2.0");
            if (msg.has("id")) {
                replies.put(msg.get("id").asInt(), msg);
            }
        }
        assertThat(replies).containsOnlyKeys(1, 2, 3, 4);
        assertThat(replies.get(3).at("/result/structuredContent/result").asInt()).isEqualTo(3);
        assertThat(replies.get(4).at("/error/code").asInt()).isEqualTo(-32003);
        assertThat(replies.get(4).at("/error/data/required_scope").asText()).isEqualTo("read:files");
    }

    @Test
    void anExpiredTokenStopsStartupWithAOneLineErrorAndNothingOnStdout() throws Exception {
        String expired = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8))
                .withClock(java.time.Clock.fixed(Instant.now().minus(Duration.ofHours(2)), java.time.ZoneOffset.UTC))
                .token().subject("carol").audience("http://127.0.0.1:8001/mcp").ttl(Duration.ofMinutes(5)).mint();
        Process p = JarProcess.start(Map.of("MCP_AUTH_TOKEN", expired), "serve", "--stdio", "--secret", SECRET);
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(stdout).isEmpty();
        assertThat(stderr).contains("mcp-auth: the stdio token was rejected (invalid_token)").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingTokenIsAUsageErrorNamingTheVariable() throws Exception {
        Process p = JarProcess.start(Map.of(), "serve", "--stdio", "--secret", SECRET);
        p.getOutputStream().close();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr.strip()).isEqualTo("mcp-auth: --stdio needs the caller's access token in MCP_AUTH_TOKEN or --token-file");
    }
}
