package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static dev.mcpauth.support.TestGateway.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Existing MCP servers behind the gateway: their tools get tokens, per-tool scopes and challenges like built-in ones. */
class GatewayUpstreamTest {

    @TempDir
    Path root;

    @Test
    void upstreamToolsAreScopedListedAndCallableThroughTheGateway() throws Exception {
        String yaml = """
                policy:
                  tools:
                    "tiny__*": tiny:use
                upstreams:
                  - name: tiny
                    command: %s
                    tools:
                      crash: tiny:admin
                """.formatted(UpstreamGateways.tinyCommandYaml());
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, yaml, true, false))) {
            String user = gw.token("tiny:use");
            String session = gw.initialize(user);

            JsonNode list = message(gw.send(gw.post(user, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").header("Mcp-Session-Id", session)));
            List<String> names = new ArrayList<>();
            list.at("/result/tools").forEach(t -> names.add(t.get("name").asText()));
            assertThat(names).contains("tiny__echo", "get_server_info").doesNotContain("tiny__crash", "list_files");

            HttpResponse<String> echo = gw.send(gw.post(user, toolCall(3, "tiny__echo", "{\"text\":\"through the gateway\"}")).header("Mcp-Session-Id", session));
            assertThat(echo.statusCode()).isEqualTo(200);
            assertThat(message(echo).at("/result/content/0/text").asText()).contains("through the gateway");

            HttpResponse<String> crash = gw.send(gw.post(user, toolCall(4, "tiny__crash", "{}")).header("Mcp-Session-Id", session));
            assertThat(crash.statusCode()).isEqualTo(403);
            assertThat(json(crash.body()).get("required_scope").asText()).isEqualTo("tiny:admin");

            String outsider = gw.token("read:files");
            String other = gw.initialize(outsider);
            assertThat(gw.send(gw.post(outsider, toolCall(5, "tiny__echo", "{\"text\":\"x\"}")).header("Mcp-Session-Id", other)).statusCode())
                    .isEqualTo(403);

            assertThat(json(gw.get("/health").body()).at("/upstreams/tiny").asText()).startsWith("up");
        }
    }

    @Test
    void theNpmEverythingServerIsTheOnlySourceAndItsToolsAreUnprefixed() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.everything(root))) {
            String token = gw.token("everything:use");
            String session = gw.initialize(token);
            HttpResponse<String> res = gw.send(gw.post(token, toolCall(2, "echo", "{\"message\":\"hello upstream\"}")).header("Mcp-Session-Id", session));

            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(message(res).at("/result/content/0/text").asText()).contains("hello upstream");
            assertThat(gw.send(gw.post(gw.token("other"), toolCall(3, "echo", "{\"message\":\"x\"}"))
                    .header("Mcp-Session-Id", gw.initialize(gw.token("other")))).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void anUnreachableUpstreamIsDownOnThePublicHealthWithoutItsReasonWhichOnlyTheOperatorSees() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String yaml = """
                upstreams:
                  - name: gone
                    url: http://127.0.0.1:%d/mcp
                """.formatted(closed);
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, yaml, true, false))) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!gw.server.banner().contains("could not connect") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(gw.server.banner()).as("the operator sees why").contains("upstream gone could not connect: connection refused");
            String health = gw.get("/health").body();
            assertThat(json(health).at("/upstreams/gone").asText()).isIn("down", "restarting", "starting");
            assertThat(health).doesNotContain("refused", "Exception", "127.0.0.1:" + closed);
        }
    }
}
