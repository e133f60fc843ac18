package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upstream prompts, resources and resource templates through the gateway: listed by scope, served, refused beyond scope, refreshed. */
class GatewayUpstreamOffersTest {

    private static final String POLICY = """
            policy:
              tools:
                "tiny__*": tiny:use
                "tiny__audit": tiny:admin
                "tiny__tiny://notes/secret": tiny:admin
            """;

    @TempDir
    Path root;

    private static String tinyYaml() {
        return POLICY + """
                upstreams:
                  - name: tiny
                    command: %s
                """.formatted(UpstreamGateways.tinyCommandYaml());
    }

    /** A legacy-era caller: a session when the gateway has them. */
    private record Legacy(TestGateway gw, String token, String session) {
        static Legacy of(TestGateway gw, String token, boolean stateless) throws Exception {
            return new Legacy(gw, token, stateless ? null : gw.initialize(token));
        }

        HttpResponse<String> send(int id, String method, String params) throws Exception {
            HttpRequest.Builder post = gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
            return gw.send(session == null ? post : post.header("Mcp-Session-Id", session));
        }

        JsonNode result(int id, String method, String params) throws Exception {
            HttpResponse<String> res = send(id, method, params);
            assertThat(res.statusCode()).as(method + ": " + res.body()).isEqualTo(200);
            return message(res);
        }
    }

    @ParameterizedTest(name = "stateless={0}")
    @ValueSource(booleans = {false, true})
    void legacyClientsSeeAndUseOnlyThePromptsAndResourcesTheirScopesPermit(boolean stateless) throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, tinyYaml(), true, stateless))) {
            Legacy user = Legacy.of(gw, gw.token("tiny:use"), stateless);

            assertThat(fields(user.result(2, "prompts/list", "{}").at("/result/prompts"), "name")).containsExactly("tiny__greet");
            assertThat(fields(user.result(3, "resources/list", "{}").at("/result/resources"), "uri")).containsExactly("tiny://notes/readme");
            assertThat(fields(user.result(4, "resources/templates/list", "{}").at("/result/resourceTemplates"), "uriTemplate"))
                    .containsExactly("tiny://notes/{name}");
            assertThat(user.result(5, "prompts/get", "{\"name\":\"tiny__greet\",\"arguments\":{\"who\":\"gateway\"}}")
                    .at("/result/messages/0/content/text").asText()).isEqualTo("greet, gateway");
            assertThat(user.result(6, "resources/read", "{\"uri\":\"tiny://notes/readme\"}").at("/result/contents/0/text").asText()).isEqualTo("note readme");
            assertThat(user.result(7, "resources/read", "{\"uri\":\"tiny://notes/unlisted\"}").at("/result/contents/0/text").asText())
                    .as("a URI only the template matches goes to the upstream with the template").isEqualTo("note unlisted");
            assertThat(user.result(8, "resources/read", "{\"uri\":\"nowhere://x\"}").at("/error/code").asInt()).isEqualTo(-32002);

            HttpResponse<String> secret = user.send(9, "resources/read", "{\"uri\":\"tiny://notes/secret\"}");
            assertThat(secret.statusCode()).isEqualTo(403);
            assertThat(secret.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope", "tiny:admin");
            assertThat(json(secret.body()).get("resource").asText()).isEqualTo("tiny://notes/secret");
            HttpResponse<String> audit = user.send(10, "prompts/get", "{\"name\":\"tiny__audit\"}");
            assertThat(audit.statusCode()).isEqualTo(403);
            assertThat(json(audit.body()).get("required_scope").asText()).isEqualTo("tiny:admin");

            Legacy admin = Legacy.of(gw, gw.token("tiny:use", "tiny:admin"), stateless);
            assertThat(fields(admin.result(11, "prompts/list", "{}").at("/result/prompts"), "name")).containsExactly("tiny__audit", "tiny__greet");
            assertThat(fields(admin.result(12, "resources/list", "{}").at("/result/resources"), "uri"))
                    .as("the second page of the upstream's list").containsExactly("tiny://notes/readme", "tiny://notes/secret");
            assertThat(admin.result(13, "resources/read", "{\"uri\":\"tiny://notes/secret\"}").at("/result/contents/0/text").asText()).isEqualTo("note secret");
        }
    }

    @Test
    void modernClientsGetTheSameOffersWithCacheHintsAndTheSameRefusals() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, tinyYaml(), true, false))) {
            String user = gw.token("tiny:use");
            JsonNode discover = modern(gw, user, 1, "server/discover", null, "").at("/result/capabilities");
            assertThat(discover.has("prompts") && discover.has("resources")).as(discover.toString()).isTrue();

            JsonNode prompts = modern(gw, user, 2, "prompts/list", null, "").path("result");
            assertThat(fields(prompts.path("prompts"), "name")).containsExactly("tiny__greet");
            assertThat(prompts.path("cacheScope").asText()).isEqualTo("private");
            assertThat(prompts.path("resultType").asText()).isEqualTo("complete");
            assertThat(fields(modern(gw, user, 3, "resources/list", null, "").at("/result/resources"), "uri")).containsExactly("tiny://notes/readme");
            assertThat(fields(modern(gw, user, 4, "resources/templates/list", null, "").at("/result/resourceTemplates"), "uriTemplate"))
                    .containsExactly("tiny://notes/{name}");
            JsonNode read = modern(gw, user, 5, "resources/read", "tiny://notes/readme", "\"uri\":\"tiny://notes/readme\"").path("result");
            assertThat(read.at("/contents/0/text").asText()).isEqualTo("note readme");
            assertThat(read.path("ttlMs").isNumber() && read.path("cacheScope").asText().equals("private")).as(read.toString()).isTrue();
            assertThat(modern(gw, user, 6, "prompts/get", "tiny__greet", "\"name\":\"tiny__greet\"").at("/result/messages/0/content/text").asText())
                    .isEqualTo("greet, world");
            assertThat(modern(gw, user, 7, "resources/read", "nowhere://x", "\"uri\":\"nowhere://x\"").at("/error/code").asInt())
                    .as("2026-07-28 says invalid params for an unknown resource").isEqualTo(-32602);

            HttpResponse<String> audit = gw.send(modernPost(gw, user, 8, "prompts/get", "tiny__audit", "\"name\":\"tiny__audit\""));
            assertThat(audit.statusCode()).isEqualTo(403);
            assertThat(json(audit.body()).get("required_scope").asText()).isEqualTo("tiny:admin");
            HttpResponse<String> noName = gw.send(modernPost(gw, user, 9, "resources/read", null, "\"uri\":\"tiny://notes/readme\""));
            assertThat(noName.statusCode()).as("Mcp-Name is required on resources/read").isEqualTo(400);
        }
    }

    @Test
    void listChangedFromTheUpstreamRefreshesThePromptsAndResourcesTheGatewayLists() throws Exception {
        // Stateless: a caller with a session is served by a child of its own (BoundSessions), so only calls without a
        // session reach the shared child whose lists feed the catalog.
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, tinyYaml(), true, true))) {
            Legacy user = Legacy.of(gw, gw.token("tiny:use"), true);
            assertThat(user.result(2, "tools/call", "{\"name\":\"tiny__add_tool\",\"arguments\":{\"kind\":\"prompt\",\"name\":\"fresh\"}}")
                    .at("/result/content/0/text").asText()).isEqualTo("added");
            user.result(3, "tools/call", "{\"name\":\"tiny__add_tool\",\"arguments\":{\"kind\":\"resource\",\"name\":\"extra\"}}");

            awaitListed(user, "prompts/list", "/result/prompts", "name", "tiny__fresh");
            awaitListed(user, "resources/list", "/result/resources", "uri", "tiny://notes/extra");
        }
    }

    @Test
    void serverEverythingPromptsAndResourcesPassThroughTheGateway() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.everything(root))) {
            Legacy user = Legacy.of(gw, gw.token("everything:use"), false);
            assertThat(fields(user.result(2, "prompts/list", "{}").at("/result/prompts"), "name")).contains("simple-prompt");
            assertThat(user.result(3, "prompts/get", "{\"name\":\"simple-prompt\"}").at("/result/messages/0/content/text").asText())
                    .isEqualTo("This is a simple prompt without arguments.");
            assertThat(fields(user.result(4, "resources/templates/list", "{}").at("/result/resourceTemplates"), "uriTemplate"))
                    .contains("demo://resource/dynamic/text/{resourceId}");
            assertThat(user.result(5, "resources/read", "{\"uri\":\"demo://resource/dynamic/text/1\"}").at("/result/contents/0/uri").asText())
                    .isEqualTo("demo://resource/dynamic/text/1");
            List<String> listed = fields(user.result(6, "resources/list", "{}").at("/result/resources"), "uri");
            assertThat(listed).isNotEmpty();
            assertThat(user.result(7, "resources/read", "{\"uri\":\"" + listed.get(0) + "\"}").at("/result/contents/0/uri").asText()).isEqualTo(listed.get(0));

            Legacy outsider = Legacy.of(gw, gw.token("other"), false);
            assertThat(outsider.result(8, "prompts/list", "{}").at("/result/prompts").size()).isZero();
            assertThat(outsider.send(9, "prompts/get", "{\"name\":\"simple-prompt\"}").statusCode()).isEqualTo(403);
        }
    }

    /** The {@code field} of each entry of a list result (not of nested objects such as prompt arguments). */
    private static List<String> fields(JsonNode entries, String field) {
        List<String> values = new java.util.ArrayList<>();
        entries.forEach(e -> values.add(e.path(field).asText()));
        return values;
    }

    private static void awaitListed(Legacy caller, String method, String pointer, String field, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = fields(caller.result(99, method, "{}").at(pointer), field);
            if (seen.contains(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(method + " never listed " + expected + "; last saw " + seen);
    }

    private static JsonNode modern(TestGateway gw, String token, int id, String method, String name, String params) throws Exception {
        HttpResponse<String> res = gw.send(modernPost(gw, token, id, method, name, params));
        assertThat(res.statusCode()).as(method + ": " + res.body()).isEqualTo(200);
        return message(res);
    }

    private static HttpRequest.Builder modernPost(TestGateway gw, String token, int id, String method, String name, String params) {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"java-test\",\"version\":\"1\"}}";
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{" + (params.isEmpty() ? "" : params + ",") + meta + "}}";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return name == null ? b : b.header("Mcp-Name", name);
    }
}
