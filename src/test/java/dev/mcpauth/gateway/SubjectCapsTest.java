package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static dev.mcpauth.support.TestGateway.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One token holder cannot deny service to everyone: its open SSE streams do not take the request budget, and its
 * streams and sessions have caps of their own (429 naming the limit) that leave other subjects untouched.
 */
class SubjectCapsTest {

    @TempDir
    Path root;

    private TestGateway gateway(int maxConcurrent, int maxStreamsPerSubject, int maxSessionsPerSubject) throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
        return TestGateway.start(TestGateway.withCapacity(config, maxConcurrent,
                new GatewayConfig.Capacity(Duration.ofSeconds(10), 1000, 0, 100, maxStreamsPerSubject, maxSessionsPerSubject)));
    }

    /** Opens the GET stream of {@code session} and returns as soon as its headers arrive; nobody reads the events. */
    private static HttpResponse<InputStream> openStream(TestGateway gw, String token, String session) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream").header("MCP-Protocol-Version", "2025-11-25")
                .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session).GET().build();
        return gw.http.send(get, HttpResponse.BodyHandlers.ofInputStream());
    }

    private static void closeAll(List<HttpResponse<InputStream>> streams) {
        streams.forEach(s -> {
            try {
                s.body().close();
            } catch (java.io.IOException ignored) {
                // already gone
            }
        });
    }

    @Test
    void unreadSseStreamsBeyondTheRequestBudgetLeaveOtherSubjectsServed() throws Exception {
        try (TestGateway gw = gateway(4, 20, 100)) {
            String alice = gw.token("read:files");
            List<HttpResponse<InputStream>> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    HttpResponse<InputStream> stream = openStream(gw, alice, gw.initialize(alice));
                    assertThat(stream.statusCode()).as("stream %d of a budget of 4 requests", i + 1).isEqualTo(200);
                    streams.add(stream);
                }
                String bob = gw.tokenFor("bob", "read:files");
                String session = gw.initialize(bob);
                HttpResponse<String> call = gw.send(gw.post(bob, toolCall(3, "list_files", "{\"path\":\".\"}")).header("Mcp-Session-Id", session));
                assertThat(call.statusCode()).isEqualTo(200);
                assertThat(message(call).at("/result/isError").asBoolean()).isFalse();
                assertThat(gw.get("/health").statusCode()).isEqualTo(200);
            } finally {
                closeAll(streams);
            }
        }
    }

    @Test
    void aSubjectOverItsStreamCapGets429NamingTheLimitWhileAnotherSubjectOpensOne() throws Exception {
        try (TestGateway gw = gateway(64, 2, 100)) {
            String alice = gw.token("read:files");
            List<HttpResponse<InputStream>> streams = new ArrayList<>();
            try {
                streams.add(openStream(gw, alice, gw.initialize(alice)));
                streams.add(openStream(gw, alice, gw.initialize(alice)));
                HttpResponse<InputStream> third = openStream(gw, alice, gw.initialize(alice));
                streams.add(third);
                assertThat(third.statusCode()).isEqualTo(429);
                assertThat(third.headers().firstValue("Retry-After")).isPresent();
                JsonNode body = json(new String(third.body().readAllBytes(), StandardCharsets.UTF_8));
                assertThat(body.get("error").asText()).isEqualTo("too_many_streams");
                assertThat(body.get("limit").asText()).isEqualTo("max-streams-per-subject");
                assertThat(body.get("max").asInt()).isEqualTo(2);

                String bob = gw.tokenFor("bob");
                HttpResponse<InputStream> bobs = openStream(gw, bob, gw.initialize(bob));
                streams.add(bobs);
                assertThat(bobs.statusCode()).isEqualTo(200);
            } finally {
                closeAll(streams);
            }
        }
    }

    @Test
    void aSubjectOverItsSessionCapGets429WhileAnotherSubjectInitializes() throws Exception {
        try (TestGateway gw = gateway(64, 8, 3)) {
            String alice = gw.token();
            for (int i = 0; i < 3; i++) {
                gw.initialize(alice);
            }
            HttpResponse<String> fourth = gw.send(gw.post(alice, TestGateway.initializeBody()));
            assertThat(fourth.statusCode()).isEqualTo(429);
            assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
            JsonNode body = json(fourth.body());
            assertThat(body.get("error").asText()).isEqualTo("too_many_sessions");
            assertThat(body.get("limit").asText()).isEqualTo("max-sessions-per-subject");
            assertThat(body.get("max").asInt()).isEqualTo(3);

            String bob = gw.tokenFor("bob");
            assertThat(gw.send(gw.post(bob, TestGateway.initializeBody())).statusCode()).isEqualTo(200);
        }
    }
}
