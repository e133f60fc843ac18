package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.mcp.McpServerFactory;
import dev.mcpauth.mcp.StdioFront;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.TokenVerifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mode advertises exactly what it serves: for each capability in {@code initialize} (or {@code server/discover})
 * one of its methods is called, and none answers -32601 (method not found). A client such as the MCP Inspector calls
 * {@code logging/setLevel} as soon as it sees {@code logging}, and gives up when that fails.
 */
class AdvertisedCapabilitiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int METHOD_NOT_FOUND = -32601;

    @TempDir
    Path root;

    /** One method per capability, with params that make a well-formed request. */
    private static Map<String, String> methodsFor(JsonNode capabilities) {
        Map<String, String> calls = new LinkedHashMap<>();
        capabilities.fieldNames().forEachRemaining(name -> {
            switch (name) {
                case "logging" -> calls.put("logging/setLevel", "{\"level\":\"info\"}");
                case "tools" -> calls.put("tools/list", "{}");
                case "prompts" -> calls.put("prompts/list", "{}");
                case "resources" -> {
                    calls.put("resources/list", "{}");
                    if (capabilities.path("resources").path("subscribe").asBoolean()) {
                        calls.put("resources/subscribe", "{\"uri\":\"mcp-auth://server/info\"}");
                    }
                }
                case "completions" -> calls.put("completion/complete",
                        "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"x\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}");
                default -> calls.put(name + "/?", null); // an unknown capability: fails the test below, naming it
            }
        });
        return calls;
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    /** Calls each advertised capability's method through {@code send} and returns the methods answered -32601. */
    private static List<String> unserved(JsonNode capabilities, Function<String, JsonNode> send) {
        assertThat(capabilities.isObject()).as("capabilities advertised").isTrue();
        List<String> unserved = new ArrayList<>();
        int id = 10;
        for (Map.Entry<String, String> call : methodsFor(capabilities).entrySet()) {
            if (call.getValue() == null) {
                unserved.add(call.getKey() + " (unknown capability)");
                continue;
            }
            JsonNode reply = send.apply(request(id++, call.getKey(), call.getValue()));
            if (reply.path("error").path("code").asInt() == METHOD_NOT_FOUND) {
                unserved.add(call.getKey());
            }
        }
        return unserved;
    }

    private static JsonNode send(TestGateway gateway, HttpRequest.Builder request) {
        try {
            return TestGateway.message(gateway.send(request));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyCapabilityAdvertisedWithSessionsIsServed() throws Exception {
        try (TestGateway gateway = TestGateway.sharedSecret(root, false)) {
            String token = gateway.token();
            HttpResponse<String> init = gateway.send(gateway.post(token, TestGateway.initializeBody()));
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            gateway.send(gateway.post(token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").header("Mcp-Session-Id", session));
            JsonNode capabilities = TestGateway.message(init).at("/result/capabilities");

            assertThat(capabilities.has("logging")).isTrue();
            assertThat(unserved(capabilities, body -> send(gateway, gateway.post(token, body).header("Mcp-Session-Id", session)))).isEmpty();
        }
    }

    @Test
    void everyCapabilityAdvertisedWithoutSessionsIsServed() throws Exception {
        try (TestGateway gateway = TestGateway.sharedSecret(root, true)) {
            String token = gateway.token();
            JsonNode capabilities = send(gateway, gateway.post(token, TestGateway.initializeBody())).at("/result/capabilities");

            assertThat(unserved(capabilities, body -> send(gateway, gateway.post(token, body)))).isEmpty();
        }
    }

    @Test
    void everyCapabilityServerDiscoverAdvertisesIsServed() throws Exception {
        try (TestGateway gateway = TestGateway.sharedSecret(root, false)) {
            String token = gateway.token();
            JsonNode capabilities = send(gateway, modern(gateway, token, modernBody(1, "server/discover", "{}"), "server/discover"))
                    .at("/result/capabilities");

            assertThat(unserved(capabilities, body -> {
                JsonNode request = json(body);
                String method = request.path("method").asText();
                return send(gateway, modern(gateway, token, modernBody(request.path("id").asInt(), method, request.path("params").toString()), method));
            })).isEmpty();
        }
    }

    @Test
    void everyCapabilityAdvertisedOverStdioIsServed() throws Exception {
        try (TestGateway gateway = TestGateway.sharedSecret(root, false)) {
            GatewayConfig config = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
            TokenVerifier verifier = Verifiers.forConfig(config.auth(), config.jwt(), gateway.mcpUrl(), null, null);
            String token = gateway.token();
            McpServerFactory factory = new McpServerFactory(gateway.server.catalog(), Policy.of(ScopePolicy.of(Map.of(), Set.of())), "mcp-auth", "test", null);

            // First run: what initialize advertises. Second run: each capability's method in a fresh session.
            JsonNode capabilities = stdio(factory, verifier, token, List.of()).get(1).at("/result/capabilities");
            List<String> calls = new ArrayList<>();
            int[] id = {10};
            methodsFor(capabilities).forEach((method, params) -> calls.add(request(id[0]++, method, params == null ? "{}" : params)));
            Map<Integer, JsonNode> replies = stdio(factory, verifier, token, calls);

            assertThat(unserved(capabilities, body -> replies.get(json(body).path("id").asInt()))).isEmpty();
        }
    }

    private static Map<Integer, JsonNode> stdio(McpServerFactory factory, TokenVerifier verifier, String token, List<String> calls)
            throws Exception {
        StringBuilder input = new StringBuilder(TestGateway.initializeBody()).append('\n')
                .append("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        calls.forEach(call -> input.append(call).append('\n'));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StdioFront(factory, () -> verifier.verify(token), new ByteArrayInputStream(input.toString().getBytes(StandardCharsets.UTF_8)),
                out, Duration.ofSeconds(10)).run();
        Map<Integer, JsonNode> replies = new LinkedHashMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode message = JSON.readTree(line);
            if (message.has("id")) {
                replies.put(message.path("id").asInt(), message);
            }
        }
        return replies;
    }

    private static String modernBody(int id, String method, String params) {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{},"
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"java-test\",\"version\":\"1\"}}";
        String inner = params.strip();
        String all = inner.equals("{}") ? "{" + meta + "}" : inner.substring(0, inner.length() - 1) + "," + meta + "}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + all + "}";
    }

    private static HttpRequest.Builder modern(TestGateway gateway, String token, String body, String method) {
        return HttpRequest.newBuilder(URI.create(gateway.mcpUrl())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
