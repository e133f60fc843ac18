package dev.mcpauth.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.support.StdioChild;
import dev.mcpauth.support.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hole 6: each malformed message, sent to each front (HTTP with sessions, HTTP stateless, HTTP 2026-07-28, stdio as a
 * child process), is refused at the edge with the JSON-RPC code of its fault and a message naming the field, never
 * a Java name; and the front still answers a valid request afterwards. Over HTTP every refusal is 400.
 */
class MalformedMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Text that would mean internals reached the client. The SDK's packages are {@code io.modelcontextprotocol.*};
     * {@code io.modelcontextprotocol/...} (a slash) is MCP 2026-07-28's own {@code _meta} key prefix, which bodies carry.
     */
    static final List<String> FORBIDDEN = List.of("dev.mcpauth", "io.modelcontextprotocol.", "com.fasterxml", "java.", "Exception",
            "McpSchema", "\tat ");
    private static final String MODERN_META = "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    enum Front { SESSIONS, STATELESS, MODERN_HTTP, STDIO }

    /**
     * @param removedInModern the method is gone in 2026-07-28: that front answers -32601 (404) instead
     */
    record Case(String name, String message, int code, String names, boolean removedInModern) {
        Case(String name, String message, int code, String names) {
            this(name, message, code, names, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("tools/call arguments as a string", call("\"arguments\":\"x\""), -32602, "params.arguments must be an object"),
            new Case("tools/call arguments as an array", call("\"arguments\":[1,2]"), -32602, "params.arguments must be an object"),
            new Case("tools/call name as a number", req("tools/call", "{\"name\":42}"), -32602, "params.name"),
            new Case("initialize params as a string", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"initialize\",\"params\":\"x\"}",
                    -32600, "params must be an object"),
            new Case("initialize clientInfo without name", initialize("{}", "{\"version\":\"1\"}"), -32602, "params.clientInfo.name"),
            new Case("initialize capabilities.roots as a string", initialize("{\"roots\":\"yes\"}", "{\"name\":\"c\"}"), -32602,
                    "params.capabilities.roots"),
            new Case("initialize capabilities.elicitation.form as a string", initialize("{\"elicitation\":{\"form\":\"on\"}}", "{\"name\":\"c\"}"),
                    -32602, "params.capabilities.elicitation.form must be an object"),
            new Case("initialize capabilities.extensions holding a string", initialize("{\"extensions\":{\"x\":\"y\"}}", "{\"name\":\"c\"}"),
                    -32602, "params.capabilities.extensions must be an object whose values are objects"),
            new Case("initialize clientInfo.icons entry without src", initialize("{}", "{\"name\":\"c\",\"icons\":[{\"src\":\"a.png\"},{\"mimeType\":\"image/png\"}]}"),
                    -32602, "params.clientInfo.icons[1].src must be a string"),
            new Case("initialize clientInfo.icons sizes as a string", initialize("{}", "{\"name\":\"c\",\"icons\":[{\"src\":\"a.png\",\"sizes\":\"48x48\"}]}"),
                    -32602, "params.clientInfo.icons[0].sizes must be an array of strings"),
            new Case("jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{}}", -32600, "jsonrpc must be \"2.0\""),
            new Case("method as a number", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":7,\"params\":{}}", -32600, "method"),
            new Case("id as an object", "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"tools/list\",\"params\":{}}", -32600, "id must be"),
            new Case("id null on a request", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/list\",\"params\":{}}", -32600, "id must be"),
            new Case("params as an array", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":[1]}", -32600, "params must be an object"),
            new Case("prompts/get argument not a string", req("prompts/get", "{\"name\":\"p\",\"arguments\":{\"a\":1}}"), -32602, "params.arguments"),
            new Case("resources/read without uri", req("resources/read", "{}"), -32602, "params.uri"),
            new Case("_meta as a string", req("tools/list", "{\"_meta\":\"m\"}"), -32602, "params._meta must be an object"),
            new Case("progressToken as an object", req("tools/list", "{\"_meta\":{\"progressToken\":{}}}"), -32602, "params._meta.progressToken"),
            new Case("logging/setLevel unknown level", req("logging/setLevel", "{\"level\":\"loud\"}"), -32602, "params.level", true),
            new Case("completion/complete without argument", req("completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"}}"),
                    -32602, "params.argument", true),
            new Case("a batch", "[" + req("tools/list", "{}") + "]", -32600, "batch"),
            new Case("not JSON", "{\"jsonrpc\":\"2.0\",", -32700, "Parse error"),
            new Case("nesting deeper than the parser allows", call("\"arguments\":{\"a\":" + "[".repeat(1500) + "]".repeat(1500) + "}"),
                    -32700, "Parse error"));

    @TempDir
    static Path files;
    static TestGateway sessions;
    static String sessionId;
    static TestGateway stateless;
    static StdioChild stdio;

    @BeforeAll
    static void start() throws Exception {
        sessions = TestGateway.sharedSecret(files, false);
        sessionId = sessions.initialize(sessions.token());
        stateless = TestGateway.sharedSecret(files, true);
        stdio = StdioChild.start();
        JsonNode init = stdio.exchange(TestGateway.initializeBody());
        assertThat(init.has("result")).as(init.toString()).isTrue();
        stdio.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        if (stdio != null) {
            stdio.close();
        }
        if (sessions != null) {
            sessions.close();
        }
        if (stateless != null) {
            stateless.close();
        }
    }

    static Stream<Arguments> everyCaseOnEveryFront() {
        return Stream.of(Front.values()).flatMap(front -> CASES.stream().map(c -> Arguments.of(front, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyCaseOnEveryFront")
    void malformedMessageIsRefusedNamingTheFieldAndTheFrontStillServes(Front front, Case c) throws Exception {
        boolean methodNotFound = front == Front.MODERN_HTTP && c.removedInModern();
        Reply reply = send(front, front == Front.MODERN_HTTP ? modern(c.message()) : c.message());

        if (front != Front.STDIO) {
            assertThat(reply.status()).as(reply.raw()).isEqualTo(methodNotFound ? 404 : 400);
        }
        assertThat(reply.json().path("jsonrpc").asText()).as(reply.raw()).isEqualTo("2.0");
        assertThat(reply.json().at("/error/code").asInt()).as(reply.raw()).isEqualTo(methodNotFound ? -32601 : c.code());
        if (!methodNotFound) {
            assertThat(reply.json().at("/error/message").asText()).as(reply.raw()).contains(c.names());
        }
        assertThat(reply.raw()).doesNotContain(FORBIDDEN);

        Reply after = send(front, front == Front.MODERN_HTTP ? modern(req("tools/list", "{}")) : req("tools/list", "{}"));
        assertThat(after.json().at("/result/tools").isArray()).as("a valid request afterwards: " + after.raw()).isTrue();
    }

    record Reply(int status, String raw, JsonNode json) {
    }

    static Reply send(Front front, String message) throws Exception {
        return switch (front) {
            case SESSIONS -> http(sessions, sessions.post(sessions.token(), message).header("Mcp-Session-Id", sessionId));
            case STATELESS -> http(stateless, stateless.post(stateless.token(), message));
            case MODERN_HTTP -> http(sessions, modernHeaders(sessions.post(sessions.token(), message), message));
            case STDIO -> {
                JsonNode json = stdio.exchange(message);
                yield new Reply(0, json.toString(), json);
            }
        };
    }

    private static Reply http(TestGateway gateway, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = gateway.send(request);
        return new Reply(response.statusCode(), response.body(), TestGateway.message(response));
    }

    /** The 2026-07-28 headers, each mirroring the body where the body has the member (the edge checks the body first). */
    private static HttpRequest.Builder modernHeaders(HttpRequest.Builder request, String message) {
        request.setHeader("MCP-Protocol-Version", "2026-07-28");
        JsonNode json = parseOrNull(message);
        if (json != null && json.path("method").isTextual()) {
            request.header("Mcp-Method", json.path("method").asText());
            JsonNode name = json.path("params").path("name");
            if (name.isTextual()) {
                request.header("Mcp-Name", name.asText());
            }
        }
        return request;
    }

    /** The message as a 2026-07-28 client sends it: the per-request _meta merged into its params (when they are an object). */
    static String modern(String message) {
        JsonNode json = parseOrNull(message);
        if (json == null || !json.path("params").isObject()) {
            return message;
        }
        ObjectNode params = (ObjectNode) json.get("params");
        JsonNode meta = params.get("_meta");
        if (meta == null || meta.isObject()) {
            ObjectNode merged = (ObjectNode) parseOrNull(MODERN_META);
            if (meta != null) {
                meta.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
            }
            params.set("_meta", merged);
        }
        return json.toString();
    }

    private static JsonNode parseOrNull(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    static String req(String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    /** An {@code initialize} of revision 2025-11-25 with these {@code capabilities} and {@code clientInfo} (JSON). */
    static String initialize(String capabilities, String clientInfo) {
        return req("initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":" + capabilities + ",\"clientInfo\":" + clientInfo + "}");
    }

    static String call(String arguments) {
        return req("tools/call", "{\"name\":\"add_numbers\"," + arguments + "}");
    }
}
