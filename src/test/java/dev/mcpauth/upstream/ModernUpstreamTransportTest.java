package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The 2026-07-28 translation against a hostile or merely strict upstream (a loopback JDK HttpServer speaking the
 * revision by hand): the envelope and mirroring headers it must receive, a token it refuses once, input it keeps asking
 * for without end, and input of a kind the protocol does not define. The client side is a {@link RelayPeer}, as for
 * a client session's own connection.
 */
class ModernUpstreamTransportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusalsLeft = new AtomicInteger();
    private RelayPeer peer;
    private final List<String> askedOfTheClient = new CopyOnWriteArrayList<>();
    private volatile boolean announceListChanged;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mcp", this::mcp);
        server.start();
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
        server.stop(0);
    }

    private void mcp(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        if (refusalsLeft.getAndDecrement() > 0) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        received.add(request);
        headers.add(Map.of(
                "version", String.valueOf(exchange.getRequestHeaders().getFirst("MCP-Protocol-Version")),
                "method", String.valueOf(exchange.getRequestHeaders().getFirst("Mcp-Method")),
                "name", String.valueOf(exchange.getRequestHeaders().getFirst("Mcp-Name")),
                "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        JsonNode params = request.path("params");
        switch (request.path("method").asText()) {
            case "server/discover" -> {
                result.putArray("supportedVersions").add("2026-07-28");
                result.putObject("capabilities").putObject("tools").put("listChanged", announceListChanged);
                result.putObject("_meta").putObject("io.modelcontextprotocol/serverInfo").put("name", "strict").put("version", "1");
            }
            case "tools/call" -> {
                switch (params.path("name").asText()) {
                    case "confirm" -> {
                        if (params.has("inputResponses")) {
                            result.putArray("content").addObject().put("type", "text")
                                    .put("text", "answer " + params.path("inputResponses").path("ok").path("content").toString()
                                            + " state " + params.path("requestState").asText());
                        } else {
                            inputRequired(result, "elicitation/create").put("requestState", "opaque-1");
                        }
                    }
                    case "forever" -> inputRequired(result, "elicitation/create");
                    case "smuggle" -> inputRequired(result, "tools/call");
                    default -> result.putArray("content").addObject().put("type", "text").put("text", "called");
                }
            }
            default -> result.putArray("tools");
        }
        result.put("resultType", result.has("inputRequests") ? "input_required" : "complete");
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        response.set("id", request.get("id"));
        response.set("result", result);
        byte[] body = JSON.writeValueAsBytes(response);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static ObjectNode inputRequired(ObjectNode result, String method) {
        ObjectNode asked = result.putObject("inputRequests").putObject("ok");
        asked.put("method", method);
        asked.putObject("params").put("message", "Sure?");
        return result;
    }

    private RelayPeer open(TokenSource tokens) throws Exception {
        return open(tokens, true);
    }

    private RelayPeer open(TokenSource tokens, boolean listChanges) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
        ModernUpstreamTransport transport = new ModernUpstreamTransport("strict", url, HttpClient.newHttpClient(), tokens,
                new AtomicReference<>(), McpJsonDefaults.getMapper(), listChanges);
        peer = new RelayPeer("strict", new EraNegotiatingTransport(UpstreamSession.transport(UpstreamSpec.http("strict", url, null),
                HttpClient.newHttpClient(), java.time.Clock.systemUTC(), McpJsonDefaults.getMapper()), transport), new RelayPeer.Inbound() {
            @Override
            public void notification(String method, JsonNode params) {
            }

            @Override
            public CompletableFuture<JsonNode> request(Object id, String method, JsonNode params) {
                askedOfTheClient.add(method);
                ObjectNode result = JsonNodeFactory.instance.objectNode().put("action", "accept");
                result.putObject("content").put("ok", true);
                return CompletableFuture.completedFuture(dev.mcpauth.mcp.RelayMessages.result(id, result));
            }
        }, Duration.ofSeconds(20));
        ObjectNode capabilities = JsonNodeFactory.instance.objectNode();
        capabilities.putObject("elicitation");
        peer.open(capabilities, "2025-11-25", Duration.ofSeconds(10));
        return peer;
    }

    private JsonNode call(String tool) throws Exception {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("name", tool);
        params.putObject("arguments");
        return peer.request("tools/call", params).get(20, TimeUnit.SECONDS);
    }

    @Test
    void everyRequestCarriesTheEnvelopeAndHeadersAndTheInputRoundTripReturnsTheUpstreamsState() throws Exception {
        open(null);

        JsonNode response = call("confirm");

        assertThat(response.at("/result/content/0/text").asText()).isEqualTo("answer {\"ok\":true} state opaque-1");
        assertThat(response.at("/result/resultType").isMissingNode()).as("2025-era clients get no resultType").isTrue();
        assertThat(askedOfTheClient).containsExactly("elicitation/create");
        JsonNode retried = received.getLast();
        assertThat(retried.at("/params/_meta/io.modelcontextprotocol~1protocolVersion").asText()).isEqualTo("2026-07-28");
        assertThat(retried.at("/params/_meta/io.modelcontextprotocol~1clientCapabilities").has("elicitation")).isTrue();
        assertThat(headers.getLast()).containsEntry("version", "2026-07-28").containsEntry("method", "tools/call").containsEntry("name", "confirm");
    }

    @Test
    void onlyTheSharedConnectionKeepsAListenStreamAConnectionOfOneCallersOwnOpensNone() throws Exception {
        announceListChanged = true;
        open(null, false);
        call("plain");
        Thread.sleep(500);
        assertThat(received).extracting(r -> r.path("method").asText()).doesNotContain("subscriptions/listen");
        peer.close();

        open(null, true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.stream().noneMatch(r -> r.path("method").asText().equals("subscriptions/listen")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(received).extracting(r -> r.path("method").asText()).contains("subscriptions/listen");
    }

    @Test
    void anUpstreamThatKeepsAskingForInputIsStoppedAfterEightRounds() throws Exception {
        open(null);
        int before = received.size();

        JsonNode response = call("forever");

        assertThat(response.at("/error/message").asText()).contains("asked for input more than 8 times");
        assertThat(received.size() - before).isEqualTo(ModernUpstreamTransport.MAX_INPUT_ROUNDS + 1);
    }

    @Test
    void inputOfAKindTheProtocolDoesNotDefineNeverReachesTheClient() throws Exception {
        open(null);

        JsonNode response = call("smuggle");

        assertThat(response.at("/error/message").asText()).contains("input the protocol does not define: 'tools/call'");
        assertThat(askedOfTheClient).isEmpty();
    }

    @Test
    void aRefusedTokenIsReplacedOnceAndTheCallGoesThrough() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        open(new TokenSource() {
            private volatile String current = "token-" + issued.incrementAndGet();

            @Override
            public String current() {
                return current;
            }

            @Override
            public void invalidate() {
                current = "token-" + issued.incrementAndGet();
            }
        });
        refusalsLeft.set(1);

        JsonNode response = call("plain");

        assertThat(response.at("/result/content/0/text").asText()).isEqualTo("called");
        assertThat(headers.getLast().get("authorization")).isEqualTo("Bearer token-2");
        assertThat(new String(JSON.writeValueAsBytes(received), StandardCharsets.UTF_8)).doesNotContain("token-");
    }
}
