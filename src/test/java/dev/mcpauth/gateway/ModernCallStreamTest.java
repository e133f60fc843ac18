package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2026-07-28 {@code tools/call} that asks for progress ({@code _meta.progressToken}) or log messages
 * ({@code io.modelcontextprotocol/logLevel}) is answered on an SSE stream carrying the upstream's notifications for
 * that call and then the result (streamable-http, "Receiving Messages"); only that caller's, never another's; closing
 * the stream cancels the call upstream; a call that asks for neither keeps its one JSON body. Raw HTTP against the
 * gateway in front of {@code @modelcontextprotocol/server-everything} and a TypeScript SDK 1.x stdio upstream.
 */
class ModernCallStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path INTEROP_MODERN = Path.of("src/test/interop-modern").toAbsolutePath();

    @TempDir
    Path root;

    @Test
    void progressAndLogMessagesOfACallGoToItsCallerAloneAndOnlyAtTheLevelItAskedFor() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.everything(root))) {
            String alice = gw.tokenFor("alice", "everything:use");
            String bob = gw.tokenFor("bob", "everything:use");
            // Alice switches on her upstream's simulated logging (it logs at once, then every 5 s)...
            List<JsonNode> toggled = events(call(gw, alice, 1, "toggle-simulated-logging", "{}", "\"io.modelcontextprotocol/logLevel\":\"debug\""));
            // ...then both run a 6 s operation at the same time, each with a progress token and the debug log level.
            CompletableFuture<HttpResponse<String>> bobs = CompletableFuture.supplyAsync(() -> call(gw, bob, 2,
                    "trigger-long-running-operation", "{\"duration\":6,\"steps\":2}",
                    "\"progressToken\":\"bob-progress\",\"io.modelcontextprotocol/logLevel\":\"debug\""));
            HttpResponse<String> alices = call(gw, alice, 3, "trigger-long-running-operation", "{\"duration\":6,\"steps\":3}",
                    "\"progressToken\":\"alice-progress\",\"io.modelcontextprotocol/logLevel\":\"debug\"");
            HttpResponse<String> bobsResponse = bobs.join();
            // A level above every message the upstream sends: none may come through.
            HttpResponse<String> quiet = call(gw, alice, 4, "trigger-long-running-operation", "{\"duration\":6,\"steps\":1}",
                    "\"io.modelcontextprotocol/logLevel\":\"emergency\"");
            call(gw, alice, 5, "toggle-simulated-logging", "{}", "\"io.modelcontextprotocol/logLevel\":\"debug\"");

            assertThat(alices.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            List<JsonNode> alicesEvents = events(alices);
            List<JsonNode> bobsEvents = events(bobsResponse);
            assertThat(progress(alicesEvents)).as(alices.body()).containsExactly("alice-progress:1", "alice-progress:2", "alice-progress:3");
            assertThat(progress(bobsEvents)).as(bobsResponse.body()).containsExactly("bob-progress:1", "bob-progress:2");
            assertThat(logs(toggled).size() + logs(alicesEvents).size()).as("alice's log messages: " + alices.body()).isPositive();
            assertThat(logs(bobsEvents)).as("bob never switched logging on: alice's log messages must not reach him").isEmpty();
            assertThat(logs(events(quiet))).as("below the request's log level").allMatch(level -> level.equals("emergency"));
            assertThat(alicesEvents.getLast().at("/result/content/0/text").asText()).contains("completed");
            assertThat(alicesEvents.getLast().path("id").asInt()).isEqualTo(3);
        }
    }

    @Test
    void aCallThatAsksForNeitherProgressNorLogsGetsOneJsonBody() throws Exception {
        try (TestGateway gw = TestGateway.start(UpstreamGateways.everything(root))) {
            HttpResponse<String> plain = call(gw, gw.token("everything:use"), 1, "trigger-long-running-operation",
                    "{\"duration\":1,\"steps\":2}", "");

            assertThat(plain.headers().firstValue("Content-Type").orElse("")).as(plain.body()).startsWith("application/json");
            assertThat(JSON.readTree(plain.body()).at("/result/content/0/text").asText()).as(plain.body()).contains("completed");
        }
    }

    /**
     * What {@code connect} does against {@code serve}: a gateway whose upstream is another gateway, spoken to in
     * 2026-07-28 ({@code upstream/ModernUpstreamTransport}), relays to a 2025-era client the progress and the log
     * messages the far gateway streams for each call (the official TypeScript SDK 1.x client, fidelity-client.mjs).
     */
    @Test
    void aGatewaySpeaking2026ToAnotherGatewayCarriesProgressAndLogMessagesToALegacyClient() throws Exception {
        try (TestGateway far = TestGateway.start(UpstreamGateways.everything(root.resolve("far")));
             TestGateway near = TestGateway.start(UpstreamGateways.config(root.resolve("near"), """
                     policy:
                       default-scopes: [everything:use]
                     upstreams:
                       - name: far
                         url: %s
                         bearer-token: %s
                         protocol: "2026-07-28"
                     """.formatted(far.mcpUrl(), far.token("everything:use")), false, false))) {
            JsonNode out = NodeClients.run("fidelity-client.mjs", near.mcpUrl(), near.token("everything:use"), "");

            for (String check : List.of("progress", "logging")) {
                assertThat(out.path("checks").path(check).path("ok").asBoolean()).as(check + ": " + out).isTrue();
            }
        }
    }

    @Test
    void closingTheStreamOfACallCancelsItAtTheUpstream() throws Exception {
        NodeClients.ensureInstalled(INTEROP_MODERN, "@modelcontextprotocol/sdk");
        Path marker = root.resolve("cancelled.txt");
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, """
                policy:
                  default-scopes: [everything:use]
                upstreams:
                  - name: legacy
                    command: [node, "%s"]
                """.formatted(INTEROP_MODERN.resolve("legacy-stdio-server.mjs")), false, false))) {
            String body = body(1, "wait-for-cancel", "{\"marker\":" + JSON.writeValueAsString(marker.toString()) + ",\"seconds\":30}",
                    ",\"progressToken\":\"w\"");
            URI mcp = URI.create(gw.mcpUrl());
            try (Socket socket = new Socket(mcp.getHost(), mcp.getPort())) {
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + mcp.getPath() + " HTTP/1.1\r\nHost: " + mcp.getAuthority() + "\r\nAuthorization: Bearer "
                        + gw.token("everything:use") + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                        + "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: wait-for-cancel\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(readUntil(socket.getInputStream(), "notifications/progress")).as("the call's first progress came").isTrue();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(marker) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(marker).as("the upstream got notifications/cancelled for the call").exists();
        }
    }

    @Test
    void onStdioTheClientsCancellationOfA2026CallReachesTheUpstream() throws Exception {
        NodeClients.ensureInstalled(INTEROP_MODERN, "@modelcontextprotocol/sdk");
        Path marker = root.resolve("cancelled-stdio.txt");
        String token = dev.mcpauth.token.TokenMinter.withSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("local").audience("http://127.0.0.1:8001/mcp").ttl(java.time.Duration.ofMinutes(10)).mint();
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.mcpauth.cli.Main", "serve", "--stdio", "--secret", TestGateway.SECRET, "--no-builtin-tools",
                "--upstream", "legacy=node " + INTEROP_MODERN.resolve("legacy-stdio-server.mjs"))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("MCP_AUTH_TOKEN", token);
        Process serve = builder.start();
        try (OutputStream in = serve.getOutputStream()) {
            in.write((body(1, "wait-for-cancel", "{\"marker\":" + JSON.writeValueAsString(marker.toString()) + ",\"seconds\":30}",
                    ",\"progressToken\":\"w\"") + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<Boolean> progressed = CompletableFuture.supplyAsync(
                    () -> out.lines().peek(seen::add).anyMatch(l -> l.contains("notifications/progress")));
            assertThat(progressed.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the call's first progress came: " + seen).isTrue();
            in.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1,\"reason\":\"user\"}}\n"
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(marker) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(marker).as("the upstream got notifications/cancelled for the call").exists();
        } finally {
            serve.destroy();
            serve.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static boolean readUntil(InputStream in, String text) throws Exception {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        while (!seen.toString().contains(text) && (n = in.read(buffer)) > 0) {
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString().contains(text);
    }

    private static HttpResponse<String> call(TestGateway gw, String token, int id, String tool, String arguments, String meta) {
        try {
            return gw.http.send(request(gw, token, id, tool, arguments, meta.isEmpty() ? "" : "," + meta).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder request(TestGateway gw, String token, int id, String tool, String arguments, String meta) {
        return HttpRequest.newBuilder(URI.create(gw.mcpUrl()))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .POST(HttpRequest.BodyPublishers.ofString(body(id, tool, arguments, meta)));
    }

    /** A raw 2026-07-28 tools/call from a client that declares no capabilities; {@code meta} adds to its _meta. */
    private static String body(int id, String tool, String arguments, String meta) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":"
                + arguments + ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}" + meta + "}}}";
    }

    /** The messages of an SSE body (or the one JSON body). */
    private static List<JsonNode> events(HttpResponse<String> response) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            events.add(JSON.readTree(response.body()));
            return events;
        }
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(JSON.readTree(line.substring(6)));
            }
        }
        return events;
    }

    private static List<String> progress(List<JsonNode> events) {
        return events.stream().filter(e -> e.path("method").asText().equals("notifications/progress"))
                .map(e -> e.at("/params/progressToken").asText() + ":" + e.at("/params/progress").asInt()).toList();
    }

    private static List<String> logs(List<JsonNode> events) {
        return events.stream().filter(e -> e.path("method").asText().equals("notifications/message"))
                .map(e -> e.at("/params/level").asText()).toList();
    }
}
