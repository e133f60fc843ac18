package dev.mcpauth.gateway;

import static dev.mcpauth.support.TestGateway.json;
import static dev.mcpauth.support.TestGateway.message;
import static dev.mcpauth.support.TestGateway.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health, /health/live, /health/ready, and the graceful stop that SIGTERM runs. */
class HealthAndShutdownTest {

    @TempDir
    Path root;

    private static final String TINY = """
            policy:
              default-scopes: [tiny:use]
            upstreams:
              - name: tiny
                command: %s
            """;

    @Test
    void healthSaysDegradedAndReadinessFailsWhileAnUpstreamRestartsAndBothRecoverWithoutItsOldExit() throws Exception {
        // Stateless, so the call reaches the shared child that /health reports (a session's calls go to a child of its own).
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, TINY.formatted(UpstreamGateways.tinyCommandYaml()), true, true))) {
            assertThat(json(gw.get("/health").body()).path("status").asText()).isEqualTo("ok");
            assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);
            String token = gw.token("tiny:use");
            gw.send(gw.post(token, toolCall(2, "tiny__crash", "{\"code\":137}")));

            JsonNode degraded = await(gw, "/health", h -> h.path("status").asText().equals("degraded"));
            assertThat(degraded.at("/upstreams/tiny").asText()).isIn("restarting", "starting");
            HttpResponse<String> notReady = gw.get("/health/ready");
            if (notReady.statusCode() == 503) {
                assertThat(json(notReady.body()).path("reason").asText()).startsWith("upstream tiny is ");
            }
            assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);

            await(gw, "/health", h -> h.path("status").asText().equals("ok"));
            assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);
            assertThat(gw.server.banner()).as("recovered: the old exit is not its state any more")
                    .contains("upstream tiny: up\n").doesNotContain("137");
        }
    }

    @Test
    void readinessWaitsUntilTheJwksServesKeysWhileLivenessAnswersAtOnce() throws Exception {
        AtomicBoolean keysPublished = new AtomicBoolean();
        String keys = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").generate().toPublicJWK()).toString();
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks", exchange -> {
            byte[] body = (keysPublished.get() ? keys : "{\"error\":\"starting\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(keysPublished.get() ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        idp.start();
        try (TestGateway gw = TestGateway.start(TestGateway.config(new GatewayConfig.Jwks(
                URI.create("http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks"), null), root, false))) {
            assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = gw.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(json(ready.body()).path("reason").asText()).contains("JWKS").doesNotContain("127.0.0.1");

            keysPublished.set(true);
            assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);
            keysPublished.set(false);
            assertThat(gw.get("/health/ready").statusCode()).as("keys once fetched stay with the verifier: an IdP blip takes no replica out")
                    .isEqualTo(200);
        } finally {
            idp.stop(0);
        }
    }

    @Test
    void shutdownFinishesTheCallInFlightEndsListenStreamsRefusesNewConnectionsAndStopsTheUpstream() throws Exception {
        TestGateway gw = TestGateway.start(UpstreamGateways.config(root, TINY.formatted(UpstreamGateways.tinyCommandYaml()), true, true));
        String token = gw.token("tiny:use");
        long child = pid(gw, token);
        HttpResponse<InputStream> listen = gw.http.send(modern(gw, token, "subscriptions/listen", null,
                "{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":{\"toolsListChanged\":true},"
                        + META + "}}"), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(listen.statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> slow = gw.http.sendAsync(modern(gw, token, "tools/call", "tiny__slow",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"tiny__slow\",\"arguments\":{\"ms\":1500},"
                        + META + "}}"), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> gw.server.shutdown(Duration.ofSeconds(10)));
        Thread.sleep(200);
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(URI.create(gw.server.baseUrl() + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString())).as("no new connections while draining").isInstanceOf(java.net.ConnectException.class);
        String stream = new String(listen.body().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stream).as("the listen stream ends with its closing result, not a cut connection").contains("\"id\":\"l\"", "\"result\"");

        HttpResponse<String> done = slow.get(10, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(message(done).at("/result/content/0/text").asText()).isEqualTo("slept 1500 ms");
        assertThat(done.headers().firstValue("Connection")).as("the proxy sends its next request elsewhere").hasValue("close");
        stopping.get(15, TimeUnit.SECONDS);
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("upstream child stopped").isFalse();
    }

    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    private static HttpRequest modern(TestGateway gw, String token, String method, String name, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.mcpUrl())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return (name == null ? b : b.header("Mcp-Name", name)).build();
    }

    private static long pid(TestGateway gw, String token) throws Exception {
        HttpResponse<String> res = gw.http.send(modern(gw, token, "tools/call", "tiny__pid",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"tiny__pid\",\"arguments\":{}," + META + "}}"),
                HttpResponse.BodyHandlers.ofString());
        return Long.parseLong(message(res).at("/result/content/0/text").asText());
    }

    private static JsonNode await(TestGateway gw, String path, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = json(gw.get(path).body());
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(25);
        }
        throw new AssertionError(path + " never matched; last: " + last);
    }
}
