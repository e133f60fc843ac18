package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.EverythingHttp;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2026-07-28 client gets the sampling and elicitation a 2025-era upstream asks for during its call, as
 * {@code input_required} results (basic/patterns/mrtr), and the progress and log messages of a call that asks for them
 * on the call's own SSE stream: the official TypeScript SDK 2.x client, with handlers, against the gateway in front of
 * {@code @modelcontextprotocol/server-everything} (stdio), and the same checks against server-everything directly
 * (where the client falls back to the 2025 era), so the gateway adds no loss.
 */
class ModernClientInputRelayTest {

    private static final Path DIR = Path.of("src/test/interop-modern").toAbsolutePath();

    @TempDir
    Path root;

    @Test
    void whatTheUpstreamSaysDuringAModernCallReachesTheClientThroughTheGatewayAsItDoesDirectly() throws Exception {
        JsonNode direct;
        try (EverythingHttp everything = EverythingHttp.start()) {
            direct = NodeClients.runIn(DIR, "@modelcontextprotocol/client", "modern-relay-checks.mjs", everything.url(), "-", "");
        }
        // serve --stdio, as a local 2026-07-28 client spawns it: progress and log messages on stdout before the answer.
        JsonNode viaStdio = NodeClients.runIn(DIR, "@modelcontextprotocol/client", "modern-relay-checks.mjs",
                "stdio:" + UpstreamFidelityTest.stdioFront(), "-", "everything__");
        try (TestGateway gw = TestGateway.start(UpstreamGateways.everything(root))) {
            JsonNode out = NodeClients.runIn(DIR, "@modelcontextprotocol/client", "modern-relay-checks.mjs",
                    gw.mcpUrl(), gw.token("everything:use"), "");

            assertThat(out.path("era").asText()).as(out.toString()).isEqualTo("modern");
            assertThat(viaStdio.path("era").asText()).as(viaStdio.toString()).isEqualTo("modern");
            for (String check : new String[] {"echo", "sampling", "elicitation", "progress", "logging"}) {
                assertThat(direct.path("checks").path(check).path("ok").asBoolean()).as("directly, " + check + ": " + direct).isTrue();
                assertThat(out.path("checks").path(check).path("ok").asBoolean()).as(check + ": " + out.path("checks").path(check)).isTrue();
                assertThat(viaStdio.path("checks").path(check).path("ok").asBoolean()).as("serve --stdio, " + check + ": " + viaStdio).isTrue();
            }
        }
    }

    @Test
    void aRequestStateWorksOnlyForTheCallerItWasGivenToAndAnUnknownOneIsRefused() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.everything(root))) {
            String alice = gw.tokenFor("alice", "everything:use");
            String mallory = gw.tokenFor("mallory", "everything:use");

            JsonNode asked = call(gw, alice, 1, "");
            String handle = asked.at("/result/requestState").asText();
            JsonNode stolen = call(gw, mallory, 2, ",\"requestState\":\"" + handle + "\",\"inputResponses\":{\"input\":" + SAMPLED + "}");
            JsonNode bogus = call(gw, alice, 3, ",\"requestState\":\"not-a-handle\",\"inputResponses\":{}");
            JsonNode answered = call(gw, alice, 4, ",\"requestState\":\"" + handle + "\",\"inputResponses\":{\"input\":" + SAMPLED + "}");

            assertThat(asked.at("/result/resultType").asText()).as(asked.toString()).isEqualTo("input_required");
            assertThat(asked.at("/result/inputRequests/input/method").asText()).isEqualTo("sampling/createMessage");
            assertThat(handle).hasSizeGreaterThanOrEqualTo(43);
            assertThat(stolen.at("/error/message").asText()).as(stolen.toString()).contains("requestState is unknown or has expired");
            assertThat(bogus.at("/error/code").asInt()).isEqualTo(-32602);
            assertThat(answered.at("/result/content/0/text").asText()).as("the owner's retry still works after the theft attempt")
                    .contains("stolen-handles-do-not-work");
        }
    }

    private static final String SAMPLED = "{\"role\":\"assistant\",\"model\":\"m\",\"content\":{\"type\":\"text\",\"text\":\"stolen-handles-do-not-work\"}}";

    /** A raw 2026-07-28 tools/call of server-everything's sampling tool, from a client that declares sampling. */
    private static JsonNode call(TestGateway gw, String token, int id, String extraParams) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"trigger-sampling-request\","
                + "\"arguments\":{\"prompt\":\"hi\",\"maxTokens\":5},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{}}}" + extraParams + "}}";
        HttpResponse<String> response = gw.http.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl()))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call").header("Mcp-Name", "trigger-sampling-request")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body());
    }
}
