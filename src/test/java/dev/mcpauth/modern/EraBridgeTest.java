package dev.mcpauth.modern;

import static dev.mcpauth.modern.ModernRequests.post;
import static dev.mcpauth.modern.ModernRequests.toolCall;
import static dev.mcpauth.support.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
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
 * SDK 1.x on stdio, initialize + one session), configured as an upstream exactly as an operator would
 * ({@code dev.mcpauth.upstream}); the gateway holds that legacy session itself.
 */
class EraBridgeTest {

    @TempDir
    static Path root;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        GatewayConfig base = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes()), root, false);
        gw = TestGateway.start(new GatewayConfig(base.listener(), base.auth(), base.jwt(), base.policy(), base.tools(), base.edge(),
                null, List.of(), List.of(new GatewayConfig.UpstreamConfig("upstream",
                        List.of(ModernNodeClient.node(), ModernNodeClient.script("legacy-stdio-server.mjs")), null, null, Map.of(),
                        Duration.ofSeconds(20), 4))));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
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
        assertThat(one.at("/content/0/text").asText()).startsWith("HELLO").contains("initialized by ");
        assertThat(two.at("/content/0/text").asText()).startsWith("AGAIN");
        int n1 = callNumber(one.at("/content/0/text").asText());
        assertThat(callNumber(two.at("/content/0/text").asText())).as("the same upstream session served both").isEqualTo(n1 + 1);
    }

    @Test
    void theTypeScriptModernClientCallsTheLegacyUpstreamToo() throws Exception {
        JsonNode m = ModernNodeClient.run("modern-client.mjs", gw.mcpUrl(), gw.token(), "upstream__shout", "{\"text\":\"bridged\"}", "add_numbers");

        assertThat(m.get("era").asText()).isEqualTo("modern");
        assertThat(m.at("/call/content/0/text").asText()).startsWith("BRIDGED").contains("initialized by ");
    }

    private static int callNumber(String text) {
        return Integer.parseInt(text.replaceAll(".*\\(call (\\d+) .*", "$1"));
    }
}
