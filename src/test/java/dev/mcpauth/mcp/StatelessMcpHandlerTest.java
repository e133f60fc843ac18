package dev.mcpauth.mcp;

import static dev.mcpauth.mcp.TestFixtures.ALICE;
import static dev.mcpauth.mcp.TestFixtures.call;
import static dev.mcpauth.mcp.TestFixtures.firstText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --stateless}: POST only, one JSON answer per request, no sessions. Mounted straight on the IO thread. */
class StatelessMcpHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private StatelessMcpHandler server;
    private TestFixtures.Server undertow;

    @BeforeEach
    void start() {
        server = new StatelessMcpHandler(TestFixtures.factory(TestFixtures.catalog()).dispatch(), "mcp-auth-test", "1.0.0");
        // No BlockingHandler: the front must move itself off the IO thread.
        undertow = TestFixtures.Server.start(TestFixtures.fakeAuth(Map.of("alice", ALICE), server));
    }

    @AfterEach
    void stop() {
        server.close();
        undertow.close();
    }

    @Test
    void sdkClientCallsAToolWithoutASession() {
        try (McpSyncClient client = TestFixtures.client(undertow.url(), "alice")) {
            client.initialize();

            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("echo", "explode");
            assertThat(firstText(client.callTool(call("echo", Map.of("text", "x"))))).isEqualTo("echo x for alice");
            assertThatThrownBy(() -> client.callTool(call("admin_reset", Map.of())))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(ToolInvoker.INSUFFICIENT_SCOPE));
        }
    }

    @Test
    void requestIsAnsweredAsPlainJsonWithoutSessionId() throws Exception {
        HttpResponse<String> response = post("""
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"explode","arguments":{}}}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("id").asInt()).isEqualTo(7);
        assertThat(body.path("result").path("isError").asBoolean()).isTrue();
        assertThat(response.body()).doesNotContain("hunter2");
    }

    @Test
    void initializeNegotiatesAndOffersNoLoggingWithoutASession() throws Exception {
        JsonNode older = JSON.readTree(post("""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"raw","version":"1"}}}""").body()).path("result");
        JsonNode unknown = JSON.readTree(post("""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},
                 "clientInfo":{"name":"raw","version":"1"}}}""").body()).path("result");

        assertThat(older.path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(unknown.path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(older.path("capabilities").fieldNames()).toIterable().containsExactlyInAnyOrder("tools", "prompts", "resources");
        assertThat(older.path("serverInfo").path("name").asText()).isEqualTo("mcp-auth-test");
    }

    @Test
    void methodsOfSessionsAndUnknownOnesAreMethodNotFoundAndBadParamsAreInvalidParams() throws Exception {
        JsonNode setLevel = JSON.readTree(post("""
                {"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"info"}}""").body());
        JsonNode complete = JSON.readTree(post("""
                {"jsonrpc":"2.0","id":3,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"x"},
                 "argument":{"name":"a","value":"b"}}}""").body());
        JsonNode nameless = JSON.readTree(post("""
                {"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":""}}""").body());
        JsonNode ping = JSON.readTree(post("""
                {"jsonrpc":"2.0","id":5,"method":"ping"}""").body());

        assertThat(setLevel.path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(complete.path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(nameless.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(nameless.path("error").path("message").asText()).contains("params.uri");
        assertThat(ping.path("result").isObject()).isTrue();
    }

    @Test
    void notificationIs202() throws Exception {
        assertThat(post("""
                {"jsonrpc":"2.0","method":"notifications/initialized"}""").statusCode()).isEqualTo(202);
    }

    @Test
    void getAndDeleteAre405() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(undertow.url() + "/mcp"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(undertow.url() + "/mcp"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(JSON.readTree(get.body()).path("error").asText()).isEqualTo("method_not_allowed");
        assertThat(delete.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(undertow.url() + "/mcp"))
                .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
                .header("Authorization", "Bearer alice")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
