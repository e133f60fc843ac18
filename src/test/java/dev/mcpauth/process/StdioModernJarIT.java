package dev.mcpauth.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.JarProcess;
import dev.mcpauth.token.TokenMinter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code serve --stdio} as a child process, spoken to in MCP 2026-07-28: no initialize, version and capabilities in {@code _meta}. */
class StdioModernJarIT {

    private static final String SECRET = "stdio-test-secret-at-least-32-bytes-long";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}";

    private static String request(String id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"params\":{" + (params.isEmpty() ? "" : params + ",")
                + META + "}}";
    }

    @Test
    void modernDiscoverCallsAndListenAreAnsweredWithoutInitializeAndEofFlushesThemAndExitsZero() throws Exception {
        String token = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("carol").audience("http://127.0.0.1:8001/mcp").scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
        Process p = JarProcess.start(Map.of("MCP_AUTH_TOKEN", token), "serve", "--stdio", "--secret", SECRET);
        try (OutputStream in = p.getOutputStream()) {
            in.write(String.join("\n", List.of(
                    request("discover", "server/discover", ""),
                    request("listen", "subscriptions/listen", "\"notifications\":{\"toolsListChanged\":true}"),
                    request("add", "tools/call", "\"name\":\"add_numbers\",\"arguments\":{\"a\":1,\"b\":2}"),
                    request("files", "tools/call", "\"name\":\"list_files\",\"arguments\":{}"),
                    "{\"jsonrpc\":\"2.0\",\"id\":\"old\",\"method\":\"tools/list\",\"params\":{\"_meta\":"
                            + "{\"io.modelcontextprotocol/protocolVersion\":\"1900-01-01\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}"))
                    .concat("\n").getBytes(StandardCharsets.UTF_8));
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isZero();
        Map<String, JsonNode> replies = new HashMap<>();
        List<JsonNode> notifications = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            JsonNode msg = JSON.readTree(line);
            assertThat(msg.get("jsonrpc").asText()).as("every stdout line is JSON-RPC: " + line).isEqualTo("2.0");
            if (msg.has("id")) {
                replies.put(msg.get("id").asText(), msg);
            } else {
                notifications.add(msg);
            }
        }
        assertThat(replies).containsOnlyKeys("discover", "listen", "add", "files", "old");
        assertThat(replies.get("discover").at("/result/supportedVersions/0").asText()).isEqualTo("2026-07-28");
        assertThat(replies.get("discover").at("/result/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).isEqualTo("mcp-auth");
        assertThat(replies.get("add").at("/result/structuredContent/result").asInt()).isEqualTo(3);
        assertThat(replies.get("add").at("/result/resultType").asText()).isEqualTo("complete");
        assertThat(replies.get("files").at("/error/code").asInt()).isEqualTo(-32003);
        assertThat(replies.get("files").at("/error/data/required_scope").asText()).isEqualTo("read:files");
        assertThat(replies.get("old").at("/error/code").asInt()).isEqualTo(-32022);
        assertThat(replies.get("listen").at("/result/_meta/io.modelcontextprotocol~1subscriptionId").asText())
                .as("stdin EOF ends the listen with its result").isEqualTo("listen");
        assertThat(notifications).extracting(n -> n.get("method").asText()).containsExactly("notifications/subscriptions/acknowledged");
    }
}
