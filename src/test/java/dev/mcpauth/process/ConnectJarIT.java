package dev.mcpauth.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.JarProcess;
import dev.mcpauth.support.TestGateway;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code connect} as a real child process: a stdio client in front of {@code serve} with the embedded AS (auto-approve). */
class ConnectJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(Map<Integer, JsonNode> replies, String stderr, int exit) {
    }

    private Run connect(String mcpUrl) throws Exception {
        Process p = JarProcess.start(Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString()),
                "connect", mcpUrl, "--scope", "math:calculate", "--no-browser");
        try (OutputStream in = p.getOutputStream()) {
            in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}\n"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"add_numbers\",\"arguments\":{\"a\":40,\"b\":2}}}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<Integer, JsonNode> replies = new HashMap<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                JsonNode msg = JSON.readTree(line);
                if (msg.has("id")) {
                    replies.put(msg.get("id").asInt(), msg);
                }
            }
        }
        return new Run(replies, stderr, p.exitValue());
    }

    @Test
    void connectLogsInForwardsCallsAndReusesItsPrivateTokenFileOnTheNextRun() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of()), dir, false);
        try (TestGateway gw = TestGateway.start(config)) {
            Run first = connect(gw.mcpUrl());

            assertThat(first.exit()).as(first.stderr()).isZero();
            assertThat(first.replies().get(3).at("/result/structuredContent/result").asInt()).isEqualTo(42);
            assertThat(first.replies().get(2).at("/result/tools").toString()).contains("add_numbers").doesNotContain("execute_command");
            assertThat(first.stderr()).contains("register: client_id").contains("token: access token received");
            Path store = dir.resolve("config/mcp-auth/tokens.json");
            assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(store)).contains(gw.server.baseUrl());

            Run second = connect(gw.mcpUrl());
            assertThat(second.exit()).isZero();
            assertThat(second.replies().get(3).at("/result/structuredContent/result").asInt()).isEqualTo(42);
            assertThat(second.stderr()).doesNotContain("register:").doesNotContain("authorize:");
        }
    }
}
