package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.support.StdioChild;
import dev.mcpauth.support.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy answers the same whoever asks and however: a 2025-11-25 client with a session, a 2026-07-28 client
 * (stateless, per-request {@code _meta}) over HTTP, and {@code serve --stdio} as a real child process, each with a
 * token of the same scopes and claims and the same {@code mcp-auth.yaml} ({@link PolicyGateways#YAML}).
 */
class PolicyAlikeInEveryEraTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SCOPES = List.of("files:write", "math:calculate");
    private static final Map<String, Object> CLAIMS = Map.of("groups", List.of("sales"));

    /** What each front is asked, in order (the last three add_numbers calls exhaust the 2-per-hour limit). */
    private static final List<String[]> CALLS = List.of(
            new String[] {"list_files", "{}"},
            new String[] {"multiply_numbers", "{\"a\":2,\"b\":3}"},
            new String[] {"add_numbers", "{\"a\":500,\"b\":1}"},
            new String[] {"get_server_info", "{}"},
            new String[] {"add_numbers", "{\"a\":1,\"b\":1}"},
            new String[] {"add_numbers", "{\"a\":1,\"b\":2}"},
            new String[] {"add_numbers", "{\"a\":1,\"b\":3}"});

    private static final List<String> EXPECTED = List.of(
            "allowed",
            "insufficient_scope math:all",
            "access_denied add_numbers only adds numbers below 100",
            "access_denied server information is for engineers",
            "allowed",
            "allowed",
            "rate_limited add-per-hour");

    @TempDir
    Path root;

    @Test
    void sessionModernAndStdioClientsGetTheSameDecisionsAndTheSameLists() throws Exception {
        List<String> session = new ArrayList<>();
        List<String> modern = new ArrayList<>();
        List<String> stdio = new ArrayList<>();
        List<List<String>> lists = new ArrayList<>();
        try (TestGateway gw = TestGateway.start(PolicyGateways.config(root, PolicyGateways.YAML))) {
            String sessionToken = PolicyGateways.token(gw, "era-session", "c", SCOPES, CLAIMS);
            String sessionId = gw.initialize(sessionToken);
            for (String[] call : CALLS) {
                session.add(httpOutcome(gw.send(gw.post(sessionToken, TestGateway.toolCall(1, call[0], call[1])).header("Mcp-Session-Id", sessionId))));
            }
            lists.add(toolNames(TestGateway.message(gw.send(gw.post(sessionToken, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                    .header("Mcp-Session-Id", sessionId)))));

            String modernToken = PolicyGateways.token(gw, "era-modern", "c", SCOPES, CLAIMS);
            for (String[] call : CALLS) {
                modern.add(httpOutcome(gw.send(modernPost(gw, modernToken, "tools/call", call[0],
                        modern(1, "tools/call", "\"name\":\"" + call[0] + "\",\"arguments\":" + call[1])))));
            }
            lists.add(toolNames(TestGateway.message(gw.send(modernPost(gw, modernToken, "tools/list", null, modern(2, "tools/list", ""))))));
        }
        Path config = Files.writeString(root.resolve("stdio.yaml"), PolicyGateways.YAML);
        try (StdioChild child = StdioChild.startWith(StdioChild.token("era-stdio", SCOPES, CLAIMS),
                "--config", config.toString(), "--files-root", root.toString())) {
            assertThat(child.exchange(TestGateway.initializeBody()).has("result")).isTrue();
            child.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            for (String[] call : CALLS) {
                stdio.add(jsonRpcOutcome(child.exchange(TestGateway.toolCall(1, call[0], call[1]))));
            }
            lists.add(toolNames(child.exchange("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")));
        }

        assertThat(session).as("2025-11-25 with a session").isEqualTo(EXPECTED);
        assertThat(modern).as("2026-07-28").isEqualTo(EXPECTED);
        assertThat(stdio).as("serve --stdio").isEqualTo(EXPECTED);
        assertThat(lists.get(0)).contains("list_files", "add_numbers").doesNotContain("get_server_info", "multiply_numbers", "execute_command");
        assertThat(lists.get(1)).isEqualTo(lists.get(0));
        assertThat(lists.get(2)).isEqualTo(lists.get(0));
    }

    /** The HTTP answer reduced to the policy's verdict: the edge's 403 / 429, or the call's JSON-RPC outcome. */
    private static String httpOutcome(HttpResponse<String> res) throws Exception {
        if (res.statusCode() == 200) {
            return jsonRpcOutcome(TestGateway.message(res));
        }
        JsonNode body = JSON.readTree(res.body());
        return switch (res.statusCode()) {
            case 403 -> "insufficient_scope".equals(body.path("error").asText())
                    ? "insufficient_scope " + challengeScope(res.headers().firstValue("WWW-Authenticate").orElse(""))
                    : body.path("error").asText() + " " + body.path("error_description").asText();
            case 429 -> "rate_limited " + body.path("limit").asText();
            default -> res.statusCode() + " " + res.body();
        };
    }

    /** The scopes a 403 asks for beyond the token's own (held scopes are kept in the step-up set). */
    private static String challengeScope(String challenge) {
        String scope = challenge.replaceAll(".*scope=\"([^\"]*)\".*", "$1");
        List<String> extra = new ArrayList<>(List.of(scope.split(" ")));
        extra.removeAll(SCOPES);
        return String.join(" ", extra);
    }

    private static String jsonRpcOutcome(JsonNode reply) {
        JsonNode error = reply.path("error");
        if (error.isMissingNode()) {
            return reply.path("result").path("isError").asBoolean(false) ? "tool error " + reply.path("result") : "allowed";
        }
        JsonNode data = error.path("data");
        return switch (data.path("error").asText()) {
            case "insufficient_scope" -> "insufficient_scope " + error.path("message").asText().replaceAll(".*requires scope (\\S+),.*", "$1");
            case "access_denied" -> "access_denied " + data.path("error_description").asText();
            case "rate_limited" -> "rate_limited " + data.path("limit").asText();
            default -> "error " + error;
        };
    }

    private static List<String> toolNames(JsonNode reply) {
        List<String> names = new ArrayList<>();
        reply.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        names.sort(null);
        return names;
    }

    private static String modern(int id, String method, String params) throws Exception {
        ObjectNode meta = (ObjectNode) JSON.readTree("{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
        ObjectNode p = (ObjectNode) JSON.readTree("{" + params + "}");
        p.set("_meta", meta);
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + p + "}";
    }

    private static HttpRequest.Builder modernPost(TestGateway gw, String token, String method, String name, String body) {
        HttpRequest.Builder b = gw.post(token, body).setHeader("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method);
        return name == null ? b : b.header("Mcp-Name", name);
    }
}
