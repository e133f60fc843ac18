package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.StdioChild;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.upstream.TinyUpstreamServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2026-07-28 client's {@code prompts/get} and {@code resources/read} go on its own upstream connection when it can
 * give input, as its tool calls do (basic/patterns/mrtr): the upstream's {@code sampling/createMessage} or
 * {@code roots/list} while it builds the prompt or reads the resource comes back as an {@code input_required} result,
 * the client's retry with {@code inputResponses} answers it, and the request's progress reaches the request's stream.
 * On the shared connection the gateway could only refuse those upstream requests. Over HTTP and on stdio
 * ({@code serve --stdio}); the upstream is {@code TinyUpstreamServer} (a stdio child), whose prompt {@code greet} and note {@code tiny://notes/@client} ask
 * the client while they work.
 */
class ModernBoundOffersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLED = "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"sampled words\"},\"model\":\"test\"}";
    private static final String ROOTS = "{\"roots\":[{\"uri\":\"file:///srv/project\",\"name\":\"project\"}]}";
    /** The prompt and the note that ask the client while the upstream works, and the capabilities that let them. */
    private static final String GREET = "\"name\":\"tiny__greet\",\"arguments\":{\"who\":\"@client\"}";
    private static final String NOTE = "\"uri\":\"tiny://notes/@client\"";
    private static final String CAN_SAMPLE = "{\"sampling\":{}}";
    private static final String HAS_ROOTS = "{\"roots\":{}}";

    @TempDir
    Path root;

    @Test
    void aPromptThatSamplesAsksTheClientForInputAndIsBuiltFromItsAnswer() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, false))) {
            String token = gw.token("tiny:use");

            JsonNode asked = only(send(gw, token, 1, "prompts/get", "tiny__greet", GREET, CAN_SAMPLE, "", false));
            JsonNode answered = only(send(gw, token, 2, "prompts/get", "tiny__greet", GREET, CAN_SAMPLE, retry(asked, SAMPLED), false));

            assertThat(asked.at("/result/resultType").asText()).as(asked.toString()).isEqualTo("input_required");
            assertThat(asked.at("/result/inputRequests/input/method").asText()).isEqualTo("sampling/createMessage");
            assertThat(answered.at("/result/resultType").asText()).as(answered.toString()).isEqualTo("complete");
            assertThat(answered.at("/result/messages/0/content/text").asText()).isEqualTo("greet, sampled words");
        }
    }

    @Test
    void aReadThatAsksForRootsIsAnsweredFromTheClientsRootsAndStaysPrivate() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, false))) {
            String token = gw.token("tiny:use");

            JsonNode asked = only(send(gw, token, 1, "resources/read", "tiny://notes/@client", NOTE, HAS_ROOTS, "", false));
            JsonNode answered = only(send(gw, token, 2, "resources/read", "tiny://notes/@client", NOTE, HAS_ROOTS, retry(asked, ROOTS), false));

            assertThat(asked.at("/result/inputRequests/input/method").asText()).as(asked.toString()).isEqualTo("roots/list");
            assertThat(answered.at("/result/contents/0/text").asText()).as(answered.toString()).isEqualTo("note roots file:///srv/project");
            assertThat(answered.at("/result/cacheScope").asText()).isEqualTo("private");
            assertThat(answered.at("/result/ttlMs").asInt()).isZero();
        }
    }

    @Test
    void theProgressOfAPromptReachesItsStreamBeforeTheRequestForInput() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, false))) {
            List<JsonNode> events = send(gw, gw.token("tiny:use"), 1, "prompts/get", "tiny__greet",
                    GREET, CAN_SAMPLE, "", true);

            assertThat(events).as(events.toString()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(events.getFirst().path("method").asText()).isEqualTo("notifications/progress");
            assertThat(events.getFirst().at("/params/progressToken").asText()).isEqualTo("p-modern");
            assertThat(events.getLast().at("/result/inputRequests/input/method").asText()).isEqualTo("sampling/createMessage");
        }
    }

    @Test
    void aRequestStateAnswersOnlyTheRequestItWasGivenFor() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, false))) {
            String token = gw.token("tiny:use");
            JsonNode asked = only(send(gw, token, 1, "prompts/get", "tiny__greet", GREET, CAN_SAMPLE, "", false));
            String retry = retry(asked, SAMPLED);

            JsonNode asRead = only(send(gw, token, 2, "resources/read", "tiny://notes/@client", NOTE, CAN_SAMPLE, retry, false));
            JsonNode owner = only(send(gw, token, 3, "prompts/get", "tiny__greet", GREET, CAN_SAMPLE, retry, false));

            assertThat(asRead.at("/error/code").asInt()).as(asRead.toString()).isEqualTo(-32602);
            assertThat(asRead.at("/error/message").asText()).contains("belongs to a prompts/get of 'tiny__greet'");
            assertThat(owner.at("/result/messages/0/content/text").asText()).as("the handle still answers its own request")
                    .isEqualTo("greet, sampled words");
        }
    }

    @Test
    void anUnknownResourceIsInvalidParamsOnTheCallersOwnConnectionAsOnTheSharedOne() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, false))) {
            String token = gw.token("tiny:use");
            String params = "\"uri\":\"nowhere://at-all\"";

            JsonNode relayed = only(send(gw, token, 1, "resources/read", "nowhere://at-all", params, HAS_ROOTS, "", false));
            JsonNode shared = only(send(gw, token, 2, "resources/read", "nowhere://at-all", params, "{}", "", false));

            assertThat(shared.at("/error/code").asInt()).as(shared.toString()).isEqualTo(-32602);
            assertThat(relayed.at("/error/code").asInt()).as(relayed.toString()).isEqualTo(-32602);
        }
    }

    @Test
    void onStdioAPromptThatSamplesAsksForInputAndIsBuiltFromTheAnswerToo() throws Exception {
        try (StdioChild stdio = StdioChild.startWith(StdioChild.token("carol", List.of("tiny:use"), java.util.Map.of()),
                "--upstream", "tiny=" + tinyCommand())) {
            JsonNode asked = stdio.exchange(stdioGreet(1, ""));
            JsonNode answered = stdio.exchange(stdioGreet(2, retry(asked, SAMPLED)));

            assertThat(asked.at("/result/inputRequests/input/method").asText()).as(asked + stdio.stderr()).isEqualTo("sampling/createMessage");
            assertThat(answered.at("/result/messages/0/content/text").asText()).as(answered.toString()).isEqualTo("greet, sampled words");
        }
    }

    @Test
    void onStdioARefusalOnTheCallersOwnConnectionStillNamesTheScopeToAskFor() throws Exception {
        try (StdioChild stdio = StdioChild.startWith(StdioChild.token("carol", List.of("math:calculate"), java.util.Map.of()),
                "--upstream", "tiny=" + tinyCommand(), "--default-scope", "tiny:use")) {
            JsonNode refused = stdio.exchange(stdioGreet(1, ""));

            assertThat(refused.at("/error/data/error").asText()).as(refused.toString()).isEqualTo("insufficient_scope");
            assertThat(refused.at("/error/data/required_scope").asText()).contains("tiny:use");
        }
    }

    /** The line a 2026-07-28 client that can sample writes to get the prompt {@code greet}, with {@code extraParams}. */
    private static String stdioGreet(int id, String extraParams) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"prompts/get\",\"params\":{" + GREET
                + ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":"
                + CAN_SAMPLE + "}" + extraParams + "}}";
    }

    private static String tinyCommand() {
        return String.join(" ", ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), TinyUpstreamServer.class.getName());
    }

    /** The params a retry adds: the handle an {@code input_required} result gave, and the client's answer. */
    private static String retry(JsonNode asked, String answer) {
        return ",\"requestState\":\"" + asked.at("/result/requestState").asText() + "\",\"inputResponses\":{\"input\":" + answer + "}";
    }

    private static JsonNode only(List<JsonNode> messages) {
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }

    /**
     * One raw 2026-07-28 request; its JSON answer, or, when {@code stream} (the request then asks for progress), every
     * message of its SSE stream.
     */
    private static List<JsonNode> send(TestGateway gw, String token, int id, String method, String name, String params,
                                       String capabilities, String extraParams, boolean stream) throws Exception {
        String progress = stream ? ",\"progressToken\":\"p-modern\"" : "";
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{" + params
                + ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":"
                + capabilities + progress + "}" + extraParams + "}}";
        HttpResponse<String> response = gw.http.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl()))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method).header("Mcp-Name", name)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> messages = new ArrayList<>();
        if (!stream) {
            messages.add(JSON.readTree(response.body()));
            return messages;
        }
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(response.body()).startsWith("text/event-stream");
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                messages.add(JSON.readTree(line.substring(5).strip()));
            }
        }
        return messages;
    }
}
