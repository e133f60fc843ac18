package dev.mcpauth.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.JarProcess;
import dev.mcpauth.support.TestGateway;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        return run(start(mcpUrl, "--scope", "math:calculate"), "add_numbers", "{\"a\":40,\"b\":2}");
    }

    private Process start(String mcpUrl, String... options) throws Exception {
        String[] args = new String[3 + options.length];
        System.arraycopy(new String[] {"connect", mcpUrl, "--no-browser"}, 0, args, 0, 3);
        System.arraycopy(options, 0, args, 3, options.length);
        return JarProcess.start(Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString()), args);
    }

    /** Initializes, lists the tools (id 2) and calls {@code tool} (id 3), then closes stdin and collects everything. */
    private static Run run(Process p, String tool, String argumentsJson) throws Exception {
        try (OutputStream in = p.getOutputStream()) {
            in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}\n"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + argumentsJson + "}}\n")
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

    @Test
    void connectKeepsItsClientsEraWithAServerThatSpeaksBothAndSpeaks2026WhenAskedTo() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of()), dir, false);
        try (TestGateway gw = TestGateway.start(config)) {
            Run auto = connect(gw.mcpUrl());
            Run modern = run(start(gw.mcpUrl(), "--scope", "math:calculate", "--protocol", "2026-07-28"), "add_numbers", "{\"a\":40,\"b\":2}");
            Run legacy = run(start(gw.mcpUrl(), "--scope", "math:calculate", "--protocol", "legacy"), "add_numbers", "{\"a\":40,\"b\":2}");
            Run misspelt = run(start(gw.mcpUrl(), "--protocol", "2027"), "add_numbers", "{}");

            assertThat(auto.stderr()).contains("speaks MCP 2026-07-28 and 2025-11-25: a 2025-11-25 session, the era of its client");
            assertThat(auto.replies().get(3).at("/result/structuredContent/result").asInt()).as(auto.stderr()).isEqualTo(42);
            // Told the era, connect does not negotiate: no discovery of a 2025 session is logged.
            assertThat(modern.stderr()).doesNotContain("session");
            assertThat(modern.replies().get(1).at("/result/protocolVersion").asText()).as("the local client keeps its own era").isEqualTo("2025-11-25");
            assertThat(modern.replies().get(3).at("/result/structuredContent/result").asInt()).as(modern.stderr()).isEqualTo(42);
            assertThat(legacy.stderr()).doesNotContain("2026-07-28");
            assertThat(legacy.replies().get(3).at("/result/structuredContent/result").asInt()).as(legacy.stderr()).isEqualTo(42);
            assertThat(misspelt.exit()).isEqualTo(2);
            assertThat(misspelt.stderr()).contains("--protocol must be auto, 2026-07-28 or legacy, not '2027'");
        }
    }

    @Test
    void connectWithAPreRegisteredClientIdLogsIn() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of()), dir, false);
        try (TestGateway gw = TestGateway.start(config)) {
            HttpResponse<String> registered = gw.http.send(HttpRequest.newBuilder(URI.create(gw.server.baseUrl() + "/oauth/register"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"http://127.0.0.1/callback\"],\"token_endpoint_auth_method\":\"none\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String clientId = JSON.readTree(registered.body()).path("client_id").asText();

            Run run = run(start(gw.mcpUrl(), "--scope", "math:calculate", "--client-id", clientId), "add_numbers", "{\"a\":40,\"b\":2}");

            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.replies().get(3).at("/result/structuredContent/result").asInt()).isEqualTo(42);
            assertThat(run.stderr()).doesNotContain("register:").doesNotContain("Exception");
        }
    }

    @Test
    void twoConnectProcessesWithExpiredTokensInOneStoreRefreshOnceBetweenThem() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of()), dir, false);
        try (TestGateway gw = TestGateway.start(config)) {
            assertThat(connect(gw.mcpUrl()).exit()).isZero();
            Path store = dir.resolve("config/mcp-auth/tokens.json");
            // Both processes find an access token that has expired: each wants to refresh at start.
            Files.writeString(store, Files.readString(store).replaceAll("\"obtainedAt\"\\s*:\\s*\\d+", "\"obtainedAt\" : 1"));

            Process a = start(gw.mcpUrl(), "--scope", "math:calculate");
            Process b = start(gw.mcpUrl(), "--scope", "math:calculate");
            Run first = run(a, "add_numbers", "{\"a\":40,\"b\":2}");
            Run second = run(b, "add_numbers", "{\"a\":40,\"b\":2}");

            String both = first.stderr() + second.stderr();
            assertThat(first.replies().get(3).at("/result/structuredContent/result").asInt()).as(both).isEqualTo(42);
            assertThat(second.replies().get(3).at("/result/structuredContent/result").asInt()).as(both).isEqualTo(42);
            assertThat(both.split("refreshed the access token", -1)).as(both).hasSize(2);
            assertThat(both).doesNotContain("refresh failed").doesNotContain("register:").doesNotContain("authorize:");
        }
    }
}
