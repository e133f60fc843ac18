package dev.mcpauth.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.mcp.CallerChannel;
import dev.mcpauth.mcp.ToolCatalog;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A 2026-07-28 call on the caller's own upstream connection hears what the upstream says from its very first moment:
 * a log line a quick upstream writes as the call begins reached the request's stream only when the front happened to
 * listen before the upstream spoke, and was dropped otherwise (seen as a missing log message through two gateways,
 * ModernCallStreamTest, under load). Here the "upstream" speaks at once, on the call's own thread, every time.
 */
class ModernCallListenTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLogLineTheUpstreamSaysAsTheCallStartsReachesTheRequestsStreamEveryTime() throws Exception {
        ModernInputRelay relay = new ModernInputRelay(new ToolCatalog());
        JsonNode params = JSON.readTree("{\"name\":\"quick\",\"_meta\":{\"io.modelcontextprotocol/logLevel\":\"debug\",\"progressToken\":\"p\"}}");
        for (int round = 0; round < 300; round++) {
            List<ObjectNode> heard = new CopyOnWriteArrayList<>();
            RequestStream stream = new RequestStream() {
                @Override
                public boolean notify(ObjectNode notification) {
                    heard.add(notification);
                    return true;
                }

                @Override
                public boolean alive() {
                    return true;
                }
            };
            ModernInputRelay.Outcome outcome = relay.start(round, "tools/call", "quick", params, McpTransportContext.EMPTY, stream, context -> {
                CallerChannel channel = CallerChannel.of(context);
                channel.notify(McpSchema.METHOD_NOTIFICATION_MESSAGE, JSON.createObjectNode().put("level", "info").put("data", "starting"));
                channel.notify(McpSchema.METHOD_NOTIFICATION_PROGRESS, JSON.createObjectNode().put("progressToken", "p").put("progress", 1));
                return JSON.createObjectNode().put("done", true);
            });

            assertThat(outcome).isInstanceOf(ModernInputRelay.Completed.class);
            assertThat(heard).as("round %d: what the upstream said as the call began", round)
                    .extracting(n -> n.path("method").asText())
                    .containsExactly(McpSchema.METHOD_NOTIFICATION_MESSAGE, McpSchema.METHOD_NOTIFICATION_PROGRESS);
        }
    }
}
