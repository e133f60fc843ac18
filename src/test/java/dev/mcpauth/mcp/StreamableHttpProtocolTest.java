package dev.mcpauth.mcp;

import static dev.mcpauth.mcp.TestFixtures.ALICE;
import static dev.mcpauth.mcp.TestFixtures.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.JsonRpcBody;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Streamable HTTP rules (spec 2025-11-25 basic/transports) checked on the wire with java.net.http. */
class StreamableHttpProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOTH = "application/json, text/event-stream";
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
             "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";
    private static final String INITIALIZED = """
            {"jsonrpc":"2.0","method":"notifications/initialized"}""";
    private static final String LIST = """
            {"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ToolCatalog catalog;
    private GatewayMcpServer server;
    private TestFixtures.Server undertow;
    private String url;

    @BeforeEach
    void start() {
        catalog = TestFixtures.catalog();
        UndertowStreamableTransport transport = new UndertowStreamableTransport();
        server = TestFixtures.factory(catalog).streamable(transport);
        undertow = TestFixtures.Server.startBlocking(Map.of("alice", ALICE, "root", ROOT), transport);
        url = undertow.url() + "/mcp";
    }

    @AfterEach
    void stop() {
        server.close();
        undertow.close();
    }

    @Test
    void initializeAnswersJsonAndIssuesAVisibleAsciiSessionId() throws Exception {
        HttpResponse<String> response = post("alice", null, INITIALIZE, BOTH);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        String sessionId = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(sessionId).matches("[\\x21-\\x7e]{16,}");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("id").asInt()).isEqualTo(1);
        assertThat(body.path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
    }

    @Test
    void requestIsAnsweredAsAnSseMessageEventHoldingTheResponse() throws Exception {
        String session = openSession("alice");

        HttpResponse<String> response = post("alice", session, LIST, BOTH);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.body()).startsWith("event: message\ndata: {").endsWith("}\n\n");
        String data = response.body().lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6);
        JsonNode message = JSON.readTree(data);
        assertThat(message.path("id").asInt()).isEqualTo(2);
        assertThat(message.path("result").path("tools").findValuesAsText("name")).containsExactlyInAnyOrder("echo", "explode");
    }

    @Test
    void aSessionIsAnsweredByTheOneDispatchAndItsOwnMethodsOnly() throws Exception {
        String session = openSession("alice");

        JsonNode ping = sseMessage(post("alice", session, """
                {"jsonrpc":"2.0","id":"p","method":"ping"}""", BOTH));
        JsonNode level = sseMessage(post("alice", session, """
                {"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"warning"}}""", BOTH));
        HttpResponse<String> badLevel = post("alice", session, """
                {"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"loud"}}""", BOTH);
        JsonNode unknown = sseMessage(post("alice", session, """
                {"jsonrpc":"2.0","id":5,"method":"tools/destroy","params":{}}""", BOTH));
        JsonNode cursor = sseMessage(post("alice", session, """
                {"jsonrpc":"2.0","id":6,"method":"prompts/list","params":{"cursor":"made-up"}}""", BOTH));

        assertThat(ping.path("id").asText()).isEqualTo("p");
        assertThat(ping.path("result").isObject()).isTrue();
        assertThat(level.path("result").isObject()).as("setLevel is answered once the relay passed it on").isTrue();
        assertThat(badLevel.statusCode()).as("the edge checks params before any front").isEqualTo(400);
        assertThat(JSON.readTree(badLevel.body()).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(unknown.path("error").path("message").asText()).isEqualTo("Method not found: tools/destroy");
        assertThat(cursor.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(cursor.path("error").path("message").asText()).contains("unknown cursor");
    }

    @Test
    void initializeNegotiatesTheVersionAndOffersWhatTheRelayCarries() throws Exception {
        HttpResponse<String> older = post("alice", null, INITIALIZE.replace("2025-11-25", "2025-06-18"), BOTH);
        HttpResponse<String> unknown = post("alice", null, INITIALIZE.replace("2025-11-25", "1999-01-01"), BOTH);

        JsonNode result = JSON.readTree(older.body()).path("result");
        assertThat(result.path("protocolVersion").asText()).as("a version this server speaks is kept").isEqualTo("2025-06-18");
        assertThat(JSON.readTree(unknown.body()).path("result").path("protocolVersion").asText())
                .as("else the newest it speaks").isEqualTo("2025-11-25");
        assertThat(result.path("capabilities").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("tools", "prompts", "resources", "logging", "completions");
        assertThat(result.path("capabilities").path("resources").path("subscribe").asBoolean()).isTrue();
        assertThat(result.path("serverInfo").path("name").asText()).isEqualTo("mcp-auth-test");
    }

    @Test
    void notificationIsAcceptedWith202AndNoBody() throws Exception {
        String session = openSession("alice");

        HttpResponse<String> response = post("alice", session, INITIALIZED, BOTH);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void requestWithoutSessionIdIs400() throws Exception {
        openSession("alice");

        HttpResponse<String> response = post("alice", null, LIST, BOTH);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("message").asText()).contains("Mcp-Session-Id");
    }

    @Test
    void unknownSessionIs404WithJsonError() throws Exception {
        HttpResponse<String> response = post("alice", "no-such-session", LIST, BOTH);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(response.body()).path("error").path("message").asText()).contains("initialize");
    }

    @Test
    void deleteEndsTheSessionAndLaterRequestsGet404() throws Exception {
        String session = openSession("alice");

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(url)).DELETE()
                .header("Authorization", "Bearer alice").header("Mcp-Session-Id", session).build());
        HttpResponse<String> after = post("alice", session, LIST, BOTH);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(after.statusCode()).isEqualTo(404);
    }

    @Test
    void sessionOpenedByOnePrincipalIsUnknownToAnother() throws Exception {
        String session = openSession("alice");

        assertThat(post("root", session, LIST, BOTH).statusCode()).isEqualTo(404);
        assertThat(post("alice", session, LIST, BOTH).statusCode()).isEqualTo(200);
    }

    @Test
    void unsupportedProtocolVersionHeaderIs400() throws Exception {
        String session = openSession("alice");

        HttpResponse<String> response = send(request("alice", session, LIST, BOTH).header("MCP-Protocol-Version", "1999-01-01").build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("message").asText()).contains("1999-01-01").contains("2025-11-25");
        assertThat(send(request("alice", session, LIST, BOTH).header("MCP-Protocol-Version", "2025-06-18").build()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void postWhoseAcceptLacksEventStreamIs406() throws Exception {
        HttpResponse<String> response = post("alice", null, INITIALIZE, "application/json");

        assertThat(response.statusCode()).isEqualTo(406);
        assertThat(JSON.readTree(response.body()).path("error").path("message").asText()).contains("text/event-stream");
    }

    @Test
    void postThatIsNotJsonIs415() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).header("Accept", BOTH)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)).build());

        assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    void malformedJsonIs400ParseErrorAndBatchesAreRefused() throws Exception {
        HttpResponse<String> garbage = post("alice", null, "{not json", BOTH);
        HttpResponse<String> batch = post("alice", null, "[" + INITIALIZE + "]", BOTH);

        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(garbage.body()).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(batch.body()).path("error").path("message").asText()).contains("batch");
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).method("PUT", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("GET, POST, DELETE");
    }

    @Test
    void getStreamDeliversListChangedAsAnSseEvent() throws Exception {
        String session = openSession("alice");
        HttpRequest get = HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "text/event-stream")
                .header("Authorization", "Bearer alice").header("Mcp-Session-Id", session).build();
        HttpResponse<InputStream> stream = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));

        catalog.replaceSource("upstream", java.util.List.of(new CatalogTool(TestFixtures.tool("weather"), c -> TestFixtures.text("sunny"))));

        BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        String data = CompletableFuture.supplyAsync(() -> reader.lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow())
                .get(10, TimeUnit.SECONDS);
        assertThat(JSON.readTree(data.substring(6)).path("method").asText()).isEqualTo("notifications/tools/list_changed");
        stream.body().close();
    }

    @Test
    void bodyAlreadyReadByTheChainIsUsed() throws Exception {
        // The gateway's policy handler reads the body once and leaves it on the exchange; the stream is then empty.
        UndertowStreamableTransport transport = new UndertowStreamableTransport();
        GatewayMcpServer second = TestFixtures.factory(catalog).streamable(transport);
        try (TestFixtures.Server prefetched = TestFixtures.Server.startBlocking(Map.of(), exchange -> {
            byte[] bytes = exchange.getInputStream().readAllBytes();
            exchange.putAttachment(Exchanges.JSON_RPC_BODY, new JsonRpcBody(bytes, JSON.readTree(bytes)));
            transport.handleRequest(exchange);
        })) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(prefetched.url() + "/mcp"))
                    .header("Accept", BOTH).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)).build());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
        } finally {
            second.close();
        }
    }

    @Test
    void sessionsAreCappedAndIdleOnesAreForgotten() throws Exception {
        UndertowStreamableTransport capped = UndertowStreamableTransport.builder()
                .maxSessions(1).sessionIdleTimeout(Duration.ofMillis(200)).build();
        GatewayMcpServer second = TestFixtures.factory(catalog).streamable(capped);
        try (TestFixtures.Server small = TestFixtures.Server.startBlocking(Map.of("alice", ALICE), capped)) {
            url = small.url() + "/mcp";
            String first = openSession("alice");

            HttpResponse<String> refused = post("alice", null, INITIALIZE, BOTH);
            Thread.sleep(400);
            HttpResponse<String> admitted = post("alice", null, INITIALIZE, BOTH);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).path("error_description").asText()).contains("Too many");
            assertThat(admitted.statusCode()).isEqualTo(200);
            assertThat(post("alice", first, LIST, BOTH).statusCode()).as("the idle session was forgotten").isEqualTo(404);
        } finally {
            second.close();
        }
    }

    /** The one JSON-RPC message an SSE answer holds. */
    private static JsonNode sseMessage(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body().lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6));
    }

    private String openSession(String bearer) throws Exception {
        HttpResponse<String> response = post(bearer, null, INITIALIZE, BOTH);
        assertThat(response.statusCode()).isEqualTo(200);
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(bearer, session, INITIALIZED, BOTH).statusCode()).isEqualTo(202);
        return session;
    }

    private HttpRequest.Builder request(String bearer, String session, String body, String accept) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Accept", accept).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session);
        }
        return builder;
    }

    private HttpResponse<String> post(String bearer, String session, String body, String accept) throws Exception {
        return send(request(bearer, session, body, accept).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
