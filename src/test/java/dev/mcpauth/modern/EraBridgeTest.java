package dev.mcpauth.modern;

import static dev.mcpauth.modern.ModernRequests.post;
import static dev.mcpauth.modern.ModernRequests.toolCall;
import static dev.mcpauth.support.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.support.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as an era bridge: a modern (2026-07-28, stateless) client calls a tool of a legacy upstream (TypeScript
 * SDK 1.x on stdio, initialize + one session); the gateway holds that legacy session itself. The upstream is wired in
 * the way {@code dev.mcpauth.upstream} publishes one: a {@link CatalogTool} whose handler calls an SDK client.
 */
class EraBridgeTest {

    @TempDir
    static Path root;
    static TestGateway gw;
    static McpSyncClient upstream;

    @BeforeAll
    static void start() throws Exception {
        String node = ModernNodeClient.node();
        upstream = McpClient.sync(new StdioClientTransport(ServerParameters.builder(node)
                        .args(ModernNodeClient.script("legacy-stdio-server.mjs")).build(), new JacksonMcpJsonMapper(new ObjectMapper())))
                .clientInfo(new McpSchema.Implementation("mcp-auth-gateway", "test"))
                .requestTimeout(Duration.ofSeconds(20))
                .build();
        upstream.initialize();
        gw = TestGateway.sharedSecret(root, false);
        McpSchema.Tool shout = McpSchema.Tool.builder().name("upstream__shout").description("shout, from a legacy upstream")
                .inputSchema(new McpSchema.JsonSchema("object", Map.of("text", Map.of("type", "string")), List.of("text"), null, null, null))
                .build();
        gw.server.catalog().replaceSource("upstream", List.of(new CatalogTool(shout,
                call -> upstream.callTool(new McpSchema.CallToolRequest("shout", call.arguments())))));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (upstream != null) {
            upstream.closeGracefully();
        }
    }

    @Test
    void modernCallsReachALegacyStdioUpstreamThroughOneGatewayHeldSession() throws Exception {
        HttpResponse<String> first = gw.send(post(gw, gw.token(), "tools/call", "upstream__shout", toolCall(1, "upstream__shout", "{\"text\":\"hello\"}")));
        HttpResponse<String> second = gw.send(post(gw, gw.token(), "tools/call", "upstream__shout", toolCall(2, "upstream__shout", "{\"text\":\"again\"}")));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode one = json(first.body()).get("result");
        JsonNode two = json(second.body()).get("result");
        assertThat(one.get("resultType").asText()).isEqualTo("complete");
        assertThat(one.at("/content/0/text").asText()).startsWith("HELLO").contains("initialized by mcp-auth-gateway");
        assertThat(two.at("/content/0/text").asText()).startsWith("AGAIN");
        int n1 = callNumber(one.at("/content/0/text").asText());
        assertThat(callNumber(two.at("/content/0/text").asText())).as("the same upstream session served both").isEqualTo(n1 + 1);
    }

    @Test
    void theTypeScriptModernClientCallsTheLegacyUpstreamToo() throws Exception {
        JsonNode m = ModernNodeClient.run("modern-client.mjs", gw.mcpUrl(), gw.token(), "upstream__shout", "{\"text\":\"bridged\"}", "add_numbers");

        assertThat(m.get("era").asText()).isEqualTo("modern");
        assertThat(m.at("/call/content/0/text").asText()).startsWith("BRIDGED").contains("initialized by mcp-auth-gateway");
    }

    private static int callNumber(String text) {
        return Integer.parseInt(text.replaceAll(".*\\(call (\\d+) .*", "$1"));
    }
}
