package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.JsonRpcBodyReader;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.http.TestHttp;
import dev.mcpauth.http.VirtualThreadDispatch;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The /mcp chain up to the MCP transport: dispatch, bearer auth, body reader, tool policy, then an echo. */
class ToolPolicyHandlerTest {

    static final String METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
    static final String UPGRADE = "https://as.example.com/authorize";

    private final TestTokens tokens = new TestTokens();
    private final Policy policy = Policy.of(ScopePolicy.of(
            Map.of("fs__write", Set.of("tools:write"), "fs__*", Set.of("tools:read")), Set.of("mcp:basic")));
    private final Challenge challenge = new Challenge("mcp", URI.create(METADATA), Set.of("mcp:basic"), URI.create(UPGRADE));
    private TestHttp http;

    @BeforeEach
    void start() {
        http = new TestHttp(new VirtualThreadDispatch(new BearerAuthHandler(tokens.verifier(), challenge,
                new JsonRpcBodyReader(new ToolPolicyHandler(policy, challenge, new AuditLog(), TestHttp.echo())))));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> call(String token, String json) throws Exception {
        return http.send(http.mcpPost("/mcp", json).header("Authorization", "Bearer " + token));
    }

    private static String toolsCall(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}";
    }

    @Test
    void allowedToolCallReachesNextWithTokenAndBodyAttached() throws Exception {
        HttpResponse<String> response = call(tokens.mint("alice", "mcp:basic tools:read"), toolsCall(1, "fs__read"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode seen = TestHttp.json(response);
        assertThat(seen.path("subject").asText()).isEqualTo("alice");
        assertThat(seen.path("body").path("params").path("name").asText()).isEqualTo("fs__read");
    }

    @Test
    void deniedToolCallGetsInsufficientScopeChallengeWithStepUpScopes() throws Exception {
        HttpResponse<String> response = call(tokens.mint("alice", "mcp:basic tools:read"), toolsCall(7, "fs__write"));

        assertThat(response.statusCode()).isEqualTo(403);
        String description = "Tool 'fs__write' needs scope tools:write but the token lacks tools:write; "
                + "re-authorize with scope 'mcp:basic tools:read tools:write'";
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(
                "Bearer realm=\"mcp\", error=\"insufficient_scope\", error_description=\"" + description + "\", "
                        + "resource_metadata=\"" + METADATA + "\", scope=\"mcp:basic tools:read tools:write\"");
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("error").asText()).isEqualTo("insufficient_scope");
        assertThat(body.path("error_description").asText()).isEqualTo(description);
        assertThat(body.path("required_scope").asText()).isEqualTo("tools:write");
        assertThat(body.path("token_scopes").asText()).isEqualTo("mcp:basic tools:read");
        assertThat(body.path("scope_upgrade_endpoint").asText()).isEqualTo(UPGRADE);
        assertThat(body.path("tool").asText()).isEqualTo("fs__write");
        assertThat(body.has("reached")).isFalse();
    }

    @Test
    void batchIsRefusedAtTheEdgeBeforeAnyToolDecision() throws Exception {
        // MCP removed JSON-RPC batching in 2025-06-18 and the gateway never served it: the body reader refuses it whole.
        String batch = "[" + toolsCall(1, "fs__read") + "," + toolsCall(2, "fs__write") + "]";

        HttpResponse<String> response = call(tokens.mint("alice", "mcp:basic tools:read"), batch);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestHttp.json(response).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(TestHttp.json(response).at("/error/message").asText()).contains("batches are not supported");
        assertThat(TestHttp.json(response).has("reached")).isFalse();
    }

    @Test
    void methodsOtherThanToolsCallPassWithoutAToolDecision() throws Exception {
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            HttpResponse<String> response = call(tokens.mint("bob", "nothing"),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(audit.lines()).noneMatch(line -> line.contains("event=authorization"));
        }
    }

    @Test
    void toolsCallWithoutNameIsInvalidParamsAnsweredWithTheRequestId() throws Exception {
        HttpResponse<String> response = call(tokens.mint("alice", "mcp:basic"),
                "{\"jsonrpc\":\"2.0\",\"id\":\"req-9\",\"method\":\"tools/call\",\"params\":{\"name\":42}}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("id").asText()).isEqualTo("req-9");
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(body.path("error").path("message").asText()).contains("params.name");
    }

    @Test
    void mcpNameHeaderThatDoesNotMatchTheBodyIsHeaderMismatch() throws Exception {
        String token = tokens.mint("alice", "mcp:basic tools:read tools:write");

        HttpResponse<String> response = http.send(http.mcpPost("/mcp", toolsCall(3, "fs__write"))
                .header("Authorization", "Bearer " + token)
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "fs__read"));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("id").asInt()).isEqualTo(3);
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32020);
    }

    @Test
    void aLegacyRequestsOptionalMetadataHeadersAreComparedByTheRuleOfTheModernFront() throws Exception {
        String token = tokens.mint("alice", "mcp:basic tools:read");
        String read = """
                {"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"file:///a.txt"}}""";

        HttpResponse<String> otherUri = http.send(http.mcpPost("/mcp", read).header("Authorization", "Bearer " + token)
                .header("Mcp-Name", "file:///b.txt"));
        HttpResponse<String> badEncoding = http.send(http.mcpPost("/mcp", read).header("Authorization", "Bearer " + token)
                .header("Mcp-Name", "=?base64?%%%?="));

        assertThat(otherUri.statusCode()).isEqualTo(400);
        assertThat(TestHttp.json(otherUri).path("error").path("message").asText())
                .isEqualTo("Header mismatch: Mcp-Name header value does not match the body's params.uri");
        assertThat(badEncoding.statusCode()).isEqualTo(400);
        assertThat(TestHttp.json(badEncoding).path("error").path("message").asText()).contains("bad Base64");
    }

    @Test
    void base64EncodedMcpNameHeaderMatchingTheBodyPasses() throws Exception {
        String token = tokens.mint("alice", "mcp:basic tools:read");
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("fs__read".getBytes()) + "?=";

        HttpResponse<String> response = http.send(http.mcpPost("/mcp", toolsCall(3, "fs__read"))
                .header("Authorization", "Bearer " + token)
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", encoded));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void deniedCallsAreAuditedAtTheEdgeWithSubjectClientToolReasonAndTraceIdButNoToken() throws Exception {
        String token = tokens.mint("alice", "mcp:basic tools:read");
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            call(token, toolsCall(1, "fs__read"));
            http.send(http.mcpPost("/mcp", toolsCall(2, "fs__write")).header("Authorization", "Bearer " + token)
                    .header("traceparent", traceparent));

            // The allowed call is audited where it runs (the MCP core, with upstream and latency), not at the edge.
            assertThat(audit.lines()).filteredOn(line -> line.contains("event=authorization")).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("INFO event=authorization decision=deny kind=tool tool=fs__write subject=alice client=test-client ")
                    .contains(" reason=\"missing scope tools:write\" upstream=- outcome=- latency_ms=- trace_id=4bf92f3577b34da6a3ce929d0e0e4736 transport=http"));
            assertThat(audit.lines()).noneMatch(line -> line.contains(token) || line.contains(token.substring(0, 20)));
        }
    }
}
