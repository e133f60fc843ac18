package dev.mcpauth.modern;

import static dev.mcpauth.modern.ModernRequests.body;
import static dev.mcpauth.modern.ModernRequests.post;
import static dev.mcpauth.modern.ModernRequests.toolCall;
import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MCP 2026-07-28 requests on the gateway's one endpoint, over real HTTP with real tokens, beside legacy sessions. */
class ModernEndpointTest {

    @TempDir
    static Path root;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hi");
        gw = TestGateway.sharedSecret(root, false);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void discoverNamesVersionsCapabilitiesAndServerInfoWithoutAnySession() throws Exception {
        HttpResponse<String> res = gw.send(post(gw, gw.token(), "server/discover", null, body("d-1", "server/discover", "")));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = json(res.body()).get("result");
        assertThat(json(res.body()).get("id").asText()).isEqualTo("d-1");
        assertThat(result.get("resultType").asText()).isEqualTo("complete");
        assertThat(result.get("supportedVersions").toString()).isEqualTo("[\"2026-07-28\",\"2025-11-25\",\"2025-06-18\"]");
        assertThat(result.at("/capabilities/tools/listChanged").asBoolean()).isTrue();
        assertThat(result.at("/capabilities/prompts/listChanged").asBoolean()).isTrue();
        assertThat(result.at("/capabilities/resources/listChanged").asBoolean()).isTrue();
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).isEqualTo("mcp-auth");
        assertThat(result.get("ttlMs").asLong()).isPositive();
        assertThat(result.get("cacheScope").asText()).isEqualTo("public");
    }

    @Test
    void toolsListShowsOnlyPermittedToolsInNameOrderAndIsPrivateToTheCaller() throws Exception {
        JsonNode result = json(gw.send(post(gw, gw.token("read:files"), "tools/list", null, body(2, "tools/list", ""))).body()).get("result");

        List<String> names = new ArrayList<>();
        result.get("tools").forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).contains("list_files", "get_server_info").doesNotContain("execute_command", "add_numbers");
        assertThat(names).isSorted();
        assertThat(result.get("resultType").asText()).isEqualTo("complete");
        assertThat(result.get("cacheScope").asText()).isEqualTo("private");
        assertThat(result.get("ttlMs").asLong()).isEqualTo(60_000);
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/version").isTextual()).isTrue();
    }

    @Test
    void argumentsThatBreakTheInputSchemaAreAToolErrorTheModelCanReadInBothEras() throws Exception {
        String token = gw.token("math:calculate");
        JsonNode modern = json(gw.send(post(gw, token, "tools/call", "add_numbers",
                toolCall(9, "add_numbers", "{\"a\":\"two\",\"b\":3}"))).body()).get("result");
        String session = gw.initialize(token);
        JsonNode legacy = message(gw.send(gw.post(token, TestGateway.toolCall(9, "add_numbers", "{\"a\":\"two\",\"b\":3}"))
                .header("Mcp-Session-Id", session))).get("result");

        for (JsonNode result : List.of(modern, legacy)) {
            assertThat(result.get("isError").asBoolean()).isTrue();
            assertThat(result.at("/content/0/text").asText()).startsWith("Invalid arguments for tool 'add_numbers'").contains("/a");
        }
    }

    @Test
    void toolsCallRunsTheToolStatelesslyAndIgnoresAnySessionId() throws Exception {
        HttpResponse<String> res = gw.send(post(gw, gw.token("read:files"), "tools/call", "list_files",
                toolCall(3, "list_files", "{\"path\":\".\"}")).header("Mcp-Session-Id", "no-such-session"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = json(res.body()).get("result");
        assertThat(result.get("resultType").asText()).isEqualTo("complete");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(result.at("/content/0/text").asText()).contains("hello.txt");
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).isEqualTo("mcp-auth");
    }

    @Test
    void callBeyondTheTokensScopesGetsTheSame403ChallengeInBothEras() throws Exception {
        String token = gw.token("read:files");
        HttpResponse<String> modern = gw.send(post(gw, token, "tools/call", "execute_command",
                toolCall(4, "execute_command", "{\"command\":\"echo\",\"args\":[\"x\"]}")));
        String session = gw.initialize(token);
        HttpResponse<String> legacy = gw.send(gw.post(token, TestGateway.toolCall(4, "execute_command", "{\"command\":\"echo\",\"args\":[\"x\"]}"))
                .header("Mcp-Session-Id", session));

        assertThat(modern.statusCode()).isEqualTo(403);
        String challenge = modern.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).contains("error=\"insufficient_scope\"").contains("scope=\"execute:commands read:files\"")
                .contains("resource_metadata=\"" + gw.server.baseUrl() + "/.well-known/oauth-protected-resource/mcp\"");
        assertThat(challenge).isEqualTo(legacy.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertThat(json(modern.body()).get("required_scope").asText()).isEqualTo("execute:commands");
        assertThat(json(modern.body()).get("tool").asText()).isEqualTo("execute_command");
    }

    @Test
    void unknownToolIsAnInvalidParamsError() throws Exception {
        HttpResponse<String> res = gw.send(post(gw, gw.token(), "tools/call", "no_such_tool", toolCall(5, "no_such_tool", "{}")));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(json(res.body()).at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(json(res.body()).at("/error/message").asText()).contains("no_such_tool");
    }

    @Test
    void unknownOrRemovedMethodIs404MethodNotFound() throws Exception {
        for (String method : List.of("ping", "completion/complete", "logging/setLevel")) {
            HttpResponse<String> res = gw.send(post(gw, gw.token(), method, null, body(6, method, "")));

            assertThat(res.statusCode()).as(method).isEqualTo(404);
            assertThat(json(res.body()).at("/error/code").asInt()).isEqualTo(-32601);
            assertThat(json(res.body()).get("id").asInt()).isEqualTo(6);
        }
    }

    @Test
    void unsupportedVersionIs400ListingTheSupportedVersions() throws Exception {
        HttpResponse<String> res = gw.send(ModernRequests.bare(gw, gw.token(), body(7, "tools/list", "", "2099-01-01",
                "\"io.modelcontextprotocol/clientCapabilities\":{}")).header("MCP-Protocol-Version", "2099-01-01").header("Mcp-Method", "tools/list"));

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode error = json(res.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(-32022);
        assertThat(error.at("/data/supported").toString()).contains("2026-07-28", "2025-11-25");
        assertThat(error.at("/data/requested").asText()).isEqualTo("2099-01-01");
    }

    @Test
    void requestWithoutClientCapabilitiesIsInvalidParams() throws Exception {
        HttpResponse<String> res = gw.send(post(gw, gw.token(), "tools/list", null, body(8, "tools/list", "", ModernRequests.VERSION, "")));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(json(res.body()).at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(json(res.body()).at("/error/message").asText()).contains("clientCapabilities");
    }

    @Test
    void getAndDeleteAre405ForModernTrafficWhileLegacyGetKeepsItsRules() throws Exception {
        for (String method : List.of("GET", "DELETE")) {
            HttpResponse<String> res = gw.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + gw.token()).header("MCP-Protocol-Version", "2026-07-28")
                    .method(method, HttpRequest.BodyPublishers.noBody()));

            assertThat(res.statusCode()).as(method).isEqualTo(405);
            assertThat(res.headers().firstValue("Allow")).hasValue("POST");
        }
        HttpResponse<String> legacyGet = gw.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + gw.token()).header("MCP-Protocol-Version", "2025-11-25")
                .header("Accept", "text/event-stream").GET());
        assertThat(legacyGet.statusCode()).isEqualTo(400);
        assertThat(legacyGet.body()).contains("Mcp-Session-Id");
    }

    @Test
    void aBatchWithAModernVersionIsAnInvalidRequest() throws Exception {
        String batch = "[" + body(1, "tools/list", "") + "]";
        HttpResponse<String> res = gw.send(post(gw, gw.token(), "tools/list", null, batch));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(json(res.body()).at("/error/code").asInt()).isEqualTo(-32600);
    }

    @Test
    void aModernNotificationIsAccepted() throws Exception {
        String notification = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"x\","
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}";
        HttpResponse<String> res = gw.send(post(gw, gw.token(), "notifications/cancelled", null, notification));

        assertThat(res.statusCode()).isEqualTo(202);
        assertThat(res.body()).isEmpty();
    }

    @Test
    void legacySessionsWorkUnchangedOnTheSameEndpoint() throws Exception {
        String token = gw.token("read:files");
        String session = gw.initialize(token);
        JsonNode list = message(gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").header("Mcp-Session-Id", session)));
        HttpResponse<String> noSession = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}"));

        assertThat(list.at("/result/tools").size()).isPositive();
        assertThat(list.at("/result/resultType").isMissingNode()).isTrue();
        assertThat(noSession.statusCode()).isEqualTo(400);
        assertThat(noSession.body()).contains("Mcp-Session-Id");
    }
}
