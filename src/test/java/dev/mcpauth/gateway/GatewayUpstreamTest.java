package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static dev.mcpauth.support.TestGateway.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.upstream.TinyUpstreamServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Existing MCP servers behind the gateway: their tools get tokens, per-tool scopes and challenges like built-in ones. */
class GatewayUpstreamTest {

    @TempDir
    Path root;

    private GatewayConfig withUpstreams(String yaml, boolean builtins) throws Exception {
        ConfigSources sources = new ConfigSources(Map.of(), Map.of(), new ObjectMapper(new YAMLFactory()).readTree(yaml), null);
        GatewayConfig base = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes()), root, false);
        return new GatewayConfig(base.listener(), base.auth(), base.jwt(),
                new GatewayConfig.Policy(FileSections.toolScopes(sources), FileSections.defaultScopes(sources)),
                new GatewayConfig.Tools(builtins, root, List.of("echo"), base.tools().commandTimeout()),
                base.edge(), null, List.of(), FileSections.upstreams(sources));
    }

    private static String tinyCommandYaml() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return "[\"" + java + "\", \"-XX:TieredStopAtLevel=1\", \"-XX:+UseSerialGC\", \"-cp\", \"" + System.getProperty("java.class.path")
                + "\", \"" + TinyUpstreamServer.class.getName() + "\"]";
    }

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
                """.formatted(tinyCommandYaml());
        try (TestGateway gw = TestGateway.start(withUpstreams(yaml, true))) {
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
        Path entry = Path.of("src/test/upstream-npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
        assumeTrue(Files.isRegularFile(entry), "server-everything is not installed (npm ci in src/test/upstream-npm): skipped");
        String yaml = """
                policy:
                  default-scopes: [everything:use]
                upstreams:
                  - name: everything
                    command: [node, "%s", stdio]
                """.formatted(entry);
        try (TestGateway gw = TestGateway.start(withUpstreams(yaml, false))) {
            String token = gw.token("everything:use");
            String session = gw.initialize(token);
            HttpResponse<String> res = gw.send(gw.post(token, toolCall(2, "echo", "{\"message\":\"hello upstream\"}")).header("Mcp-Session-Id", session));

            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(message(res).at("/result/content/0/text").asText()).contains("hello upstream");
            assertThat(gw.send(gw.post(gw.token("other"), toolCall(3, "echo", "{\"message\":\"x\"}"))
                    .header("Mcp-Session-Id", gw.initialize(gw.token("other")))).statusCode()).isEqualTo(403);
        }
    }
}
