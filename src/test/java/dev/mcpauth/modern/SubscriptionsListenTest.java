package dev.mcpauth.modern;

import static dev.mcpauth.modern.ModernRequests.body;
import static dev.mcpauth.modern.ModernRequests.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.mcp.CatalogPrompt;
import dev.mcpauth.mcp.CatalogResource;
import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.support.TestGateway;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** subscriptions/listen (MCP 2026-07-28): an SSE response that acknowledges, then carries the list_changed notifications asked for. */
class SubscriptionsListenTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private static CatalogTool tool(String name) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description("test tool")
                .inputSchema(new McpSchema.JsonSchema("object", Map.of(), List.of(), null, null, null)).build();
        return new CatalogTool(tool, call -> McpSchema.CallToolResult.builder().addTextContent("ok").build());
    }

    private static CatalogPrompt prompt(String name) {
        return new CatalogPrompt(new McpSchema.Prompt(name, "test prompt", List.of()),
                args -> new McpSchema.GetPromptResult(null, List.of()));
    }

    /** The next SSE message event's JSON, skipping keep-alive comments. */
    private static JsonNode nextMessage(BufferedReader events) throws Exception {
        for (String line; (line = events.readLine()) != null; ) {
            if (line.startsWith("data:")) {
                return JSON.readTree(line.substring(5).strip());
            }
        }
        throw new AssertionError("the listen stream ended");
    }

    /** The stream subscribes before it acknowledges: by now there is exactly one subscription. */
    private static void awaitSubscriber(TestGateway gw) throws InterruptedException {
        for (int i = 0; i < 500 && gw.server.modernServer().subscriptions().count() == 0; i++) {
            Thread.sleep(10);
        }
        assertThat(gw.server.modernServer().subscriptions().count()).isEqualTo(1);
    }

    @Test
    void listenAcknowledgesThenNotifiesToolListChangesTaggedWithItsId() throws Exception {
        try (TestGateway gw = TestGateway.sharedSecret(root, false)) {
            String listen = body("listen-1", "subscriptions/listen", "\"notifications\":{\"toolsListChanged\":true,\"promptsListChanged\":true}");
            HttpResponse<InputStream> res = gw.http.send(post(gw, gw.token(), "subscriptions/listen", null, listen).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            try (BufferedReader events = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                JsonNode ack = nextMessage(events);
                assertThat(ack.get("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
                assertThat(ack.at("/params/notifications").toString()).isEqualTo("{\"toolsListChanged\":true,\"promptsListChanged\":true}");
                assertThat(ack.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("listen-1");

                awaitSubscriber(gw);
                gw.server.catalog().replaceSource("listen-test", List.of(tool("new_tool")));

                JsonNode changed = nextMessage(events);
                assertThat(changed.get("method").asText()).isEqualTo("notifications/tools/list_changed");
                assertThat(changed.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("listen-1");

                gw.server.stop();
                JsonNode closed = nextMessage(events);
                assertThat(closed.get("id").asText()).isEqualTo("listen-1");
                assertThat(closed.at("/result/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("listen-1");
            }
        }
    }

    @Test
    void promptAndResourceChangesReachOnlySubscribersWhoAskedAndMaySeeThem() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
        config = new GatewayConfig(config.listener(), config.auth(), config.jwt(),
                new GatewayConfig.Policy(Map.of("admin_*", Set.of("admin")), Set.of()), config.tools(), config.edge(),
                config.scopeUpgradeEndpoint(), config.authorizationServers(), config.upstreams());
        try (TestGateway gw = TestGateway.start(config)) {
            String listen = body("offers", "subscriptions/listen",
                    "\"notifications\":{\"promptsListChanged\":true,\"resourcesListChanged\":true,\"resourceSubscriptions\":true}");
            HttpResponse<InputStream> res = gw.http.send(post(gw, gw.token(), "subscriptions/listen", null, listen).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader events = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                JsonNode ack = nextMessage(events);
                assertThat(ack.at("/params/notifications").toString()).as("resource subscriptions are not offered")
                        .isEqualTo("{\"promptsListChanged\":true,\"resourcesListChanged\":true}");
                awaitSubscriber(gw);

                // Not subscribed to tools; and a prompt that needs a scope this caller lacks changes nothing it sees.
                gw.server.catalog().replaceSource("listen-test", List.of(tool("new_tool")));
                gw.server.catalog().promptCatalog().replaceSource("listen-test", List.of(prompt("admin_report")));
                gw.server.catalog().promptCatalog().replaceSource("listen-test", List.of(prompt("admin_report"), prompt("hello")));
                JsonNode prompts = nextMessage(events);
                assertThat(prompts.get("method").asText()).isEqualTo("notifications/prompts/list_changed");
                assertThat(prompts.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("offers");

                gw.server.catalog().resourceCatalog().replaceSource("listen-test",
                        List.of(new CatalogResource(McpSchema.Resource.builder().uri("mem://notes").name("notes").build(), "mem://notes",
                                uri -> new McpSchema.ReadResourceResult(List.of()))), List.of());
                assertThat(nextMessage(events).get("method").asText()).isEqualTo("notifications/resources/list_changed");

                gw.server.stop();
                assertThat(nextMessage(events).get("id").asText()).as("nothing else before the close").isEqualTo("offers");
            }
        }
    }

    @Test
    void aCatalogChangeThatChangesNoVisibleToolIsNotAnnounced() throws Exception {
        try (TestGateway gw = TestGateway.sharedSecret(root, false)) {
            String listen = body(7, "subscriptions/listen", "\"notifications\":{\"toolsListChanged\":true}");
            HttpResponse<InputStream> res = gw.http.send(post(gw, gw.token(), "subscriptions/listen", null, listen).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader events = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                nextMessage(events);
                awaitSubscriber(gw);
                // Re-publishing the same tools (an upstream reconnecting) changes nothing a client can see.
                gw.server.catalog().replaceSource("listen-test", List.of());
                gw.server.catalog().replaceSource("listen-test", List.of(tool("visible_tool")));

                JsonNode first = nextMessage(events);
                assertThat(first.get("method").asText()).isEqualTo("notifications/tools/list_changed");
                gw.server.stop();
                assertThat(nextMessage(events).get("id").asInt()).as("no second list_changed before the close").isEqualTo(7);
            }
        }
    }
}
