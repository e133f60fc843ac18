package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prompts/get} and {@code resources/read} from a client with a session go on that client's own connection to
 * the upstream (BoundSessions), as tool calls do: what the upstream says while it builds the prompt or reads the
 * resource (its progress, its {@code sampling/createMessage} and {@code roots/list}) reaches the client on the
 * request's stream, and the client's answer reaches the upstream. On the shared connection the gateway could only
 * refuse those requests and drop the progress. The upstream is {@code TinyUpstreamServer} (a stdio child).
 */
class SessionBoundOffersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void aPromptThatAsksTheClientToSampleReportsItsProgressAndGetsTheClientsAnswer() throws Exception {
        JsonNode response = askedWhileServed("prompts/get", "{\"name\":\"tiny__greet\",\"arguments\":{\"who\":\"@client\"},"
                        + "\"_meta\":{\"progressToken\":\"p-prompt\"}}", "\"p-prompt\"", "sampling/createMessage",
                "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"sampled words\"},\"model\":\"test\"}");
        assertThat(response.at("/result/messages/0/content/text").asText()).isEqualTo("greet, sampled words");
    }

    @Test
    void aReadThatAsksTheClientForItsRootsReportsItsProgressAndGetsTheClientsAnswer() throws Exception {
        JsonNode response = askedWhileServed("resources/read", "{\"uri\":\"tiny://notes/@client\",\"_meta\":{\"progressToken\":41}}", "41",
                "roots/list", "{\"roots\":[{\"uri\":\"file:///srv/project\",\"name\":\"project\"}]}");
        assertThat(response.at("/result/contents/0/text").asText()).isEqualTo("note roots file:///srv/project");
    }

    /**
     * Sends {@code method} on a session and follows its stream: the upstream's progress for {@code progressToken} (JSON),
     * then its request {@code asked}, answered with {@code answer}; returns the response that ends the stream.
     */
    private JsonNode askedWhileServed(String method, String params, String progressToken, String asked, String answer) throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, false))) {
            String token = gw.token("tiny:use");
            String session = initialize(gw, token);
            Events stream = Events.of(gw, gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}")
                    .header("Mcp-Session-Id", session));

            JsonNode progress = stream.next();
            assertThat(progress.path("method").asText()).isEqualTo("notifications/progress");
            assertThat(progress.at("/params/progressToken")).isEqualTo(JSON.readTree(progressToken));
            assertThat(progress.at("/params/progress").asInt()).isEqualTo(1);
            JsonNode ask = stream.next();
            assertThat(ask.path("method").asText()).isEqualTo(asked);
            HttpResponse<String> answered = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":" + JSON.writeValueAsString(ask.get("id"))
                    + ",\"result\":" + answer + "}").header("Mcp-Session-Id", session));
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(202);

            JsonNode response = stream.next();
            assertThat(response.path("id").asInt()).isEqualTo(7);
            return response;
        }
    }

    @Test
    void aCallerWithoutASessionIsStillServedOnTheSharedConnection() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.tiny(root, true))) {
            String token = gw.token("tiny:use");
            HttpResponse<String> got = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/get\",\"params\":{\"name\":\"tiny__greet\","
                    + "\"arguments\":{\"who\":\"stateless\"},\"_meta\":{\"progressToken\":\"p\"}}}"));
            assertThat(TestGateway.message(got).at("/result/messages/0/content/text").asText()).isEqualTo("greet, stateless");
            HttpResponse<String> read = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"tiny://notes/readme\"}}"));
            assertThat(TestGateway.message(read).at("/result/contents/0/text").asText()).isEqualTo("note readme");
        }
    }

    /** A session of a client that can sample and list its roots. */
    private static String initialize(TestGateway gw, String token) throws Exception {
        HttpResponse<String> res = gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{\"sampling\":{},\"roots\":{\"listChanged\":true}},\"clientInfo\":{\"name\":\"bound-offers\",\"version\":\"1\"}}}"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        String session = res.headers().firstValue("Mcp-Session-Id").orElseThrow();
        gw.send(gw.post(token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").header("Mcp-Session-Id", session));
        return session;
    }

    /** The messages of one request's SSE stream, as they come (never waits more than 15 s for one). */
    private record Events(BlockingQueue<Object> messages) {

        static Events of(TestGateway gw, java.net.http.HttpRequest.Builder request) throws Exception {
            HttpResponse<Stream<String>> res = gw.http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (Stream<String> lines = res.body()) {
                    StringBuilder data = new StringBuilder();
                    for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                        String line = it.next();
                        if (line.startsWith("data:")) {
                            data.append(line.substring(5).strip());
                        } else if (line.isEmpty() && !data.isEmpty()) {
                            messages.add(JSON.readTree(data.toString()));
                            data.setLength(0);
                        }
                    }
                } catch (Exception e) {
                    messages.add(e);
                }
            });
            return new Events(messages);
        }

        JsonNode next() throws Exception {
            Object next = messages.poll(15, TimeUnit.SECONDS);
            assertThat(next).as("the next message on the request's stream").isInstanceOf(JsonNode.class);
            return (JsonNode) next;
        }
    }
}
