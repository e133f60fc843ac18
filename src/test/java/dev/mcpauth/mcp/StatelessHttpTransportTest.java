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
class StatelessHttpTransportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayMcpServer server;
    private TestFixtures.Server undertow;

    @BeforeEach
    void start() {
        UndertowStatelessTransport transport = new UndertowStatelessTransport();
        server = TestFixtures.factory(TestFixtures.catalog()).stateless(transport);
        // No BlockingHandler: the transport must move itself off the IO thread.
        undertow = TestFixtures.Server.start(TestFixtures.fakeAuth(Map.of("alice", ALICE), transport));
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
