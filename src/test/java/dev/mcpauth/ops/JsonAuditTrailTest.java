package dev.mcpauth.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.support.ServeChild;
import dev.mcpauth.token.TokenMinter;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --log-format json} in real processes, over HTTP and over stdio: every stderr line is one JSON object, every
 * authorization decision is one audit event with the same fields on both transports (subject, client, issuer, tool,
 * decision, reason, upstream, latency, trace id), and no line of either run holds a token the test minted or the secret.
 */
class JsonAuditTrailTest {

    private static final String SECRET = "audit-trail-secret-at-least-32-bytes-long";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> minted = new ArrayList<>();

    @Test
    void everyDecisionIsOneJsonAuditEventAlikeOnHttpAndStdioAndNoLogLineHoldsAMintedTokenOrTheSecret() throws Exception {
        List<String> httpLog;
        try (ServeChild serve = ServeChild.start(Map.of(), "serve", "--port", "0", "--secret", SECRET, "--log-format", "json")) {
            String mcp = serve.mcpUrl();
            String good = mint(mcp, Instant.now().plusSeconds(300), SECRET);
            assertThat(call(mcp, good, "add_numbers", TRACEPARENT).statusCode()).isEqualTo(200);
            assertThat(call(mcp, good, "get_user_info", null).statusCode()).isEqualTo(403);
            assertThat(call(mcp, mint(mcp, Instant.now().plusSeconds(300), SECRET.replace('a', 'b')), "add_numbers", null).statusCode()).isEqualTo(401);
            assertThat(call(mcp, mint(mcp, Instant.now().minusSeconds(600), SECRET), "add_numbers", null).statusCode()).isEqualTo(401);
            String inQuery = mint(mcp, Instant.now().plusSeconds(300), SECRET);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(mcp + "?access_token=" + inQuery)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
            serve.close();
            httpLog = serve.stderr();
        }
        List<String> stdioLog = stdioRun();

        List<JsonNode> httpEvents = authorizationEvents(httpLog);
        List<JsonNode> stdioEvents = authorizationEvents(stdioLog);
        assertThat(httpEvents).hasSize(2);
        assertThat(stdioEvents).hasSize(2);
        for (List<JsonNode> events : List.of(httpEvents, stdioEvents)) {
            JsonNode allowed = events.stream().filter(e -> e.path("decision").asText().equals("allow")).findFirst().orElseThrow();
            assertThat(allowed.path("tool").asText()).isEqualTo("add_numbers");
            assertThat(allowed.path("subject").asText()).isEqualTo("dana");
            assertThat(allowed.path("client").asText()).isEqualTo("audit-client");
            assertThat(allowed.path("issuer").asText()).isEqualTo("https://issuer.example");
            assertThat(allowed.path("upstream").asText()).isEqualTo("builtin");
            assertThat(allowed.path("outcome").asText()).isEqualTo("ok");
            assertThat(allowed.path("latency_ms").asText()).matches("\\d+");
            assertThat(allowed.path("trace_id").asText()).isEqualTo(TRACE_ID);
            JsonNode denied = events.stream().filter(e -> e.path("decision").asText().equals("deny")).findFirst().orElseThrow();
            assertThat(denied.path("tool").asText()).isEqualTo("get_user_info");
            assertThat(denied.path("reason").asText()).startsWith("missing scope");
        }
        // The same fields in the same order on both transports; only the transport's name tells them apart.
        assertThat(fieldNames(httpEvents.get(0))).isEqualTo(fieldNames(stdioEvents.get(0)));
        assertThat(httpEvents).allMatch(e -> e.path("transport").asText().equals("http"));
        assertThat(stdioEvents).allMatch(e -> e.path("transport").asText().equals("stdio"));

        List<String> everyLine = new ArrayList<>(httpLog);
        everyLine.addAll(stdioLog);
        assertThat(everyLine).hasSizeGreaterThan(5);
        for (String line : everyLine) {
            assertThat(JSON.readTree(line).isObject()).as("not one JSON object: %s", line).isTrue();
            assertThat(line).doesNotContain(SECRET);
            for (String token : minted) {
                // The whole token, and its signature alone (a log that cut the token would still leak it).
                assertThat(line).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
            }
        }
    }

    private List<String> stdioRun() throws Exception {
        String token = mint("http://127.0.0.1:8001/mcp", Instant.now().plusSeconds(300), SECRET);
        try (ServeChild stdio = ServeChild.start(Map.of("MCP_AUTH_TOKEN", token), "serve", "--stdio", "--secret", SECRET, "--log-format", "json")) {
            OutputStream in = stdio.process().getOutputStream();
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(stdio.process().getInputStream(), StandardCharsets.UTF_8));
            in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                    + toolCall(2, "add_numbers", TRACEPARENT) + "\n" + toolCall(3, "get_user_info", null) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            Map<Integer, JsonNode> replies = new LinkedHashMap<>();
            for (String line; replies.size() < 3 && (line = out.readLine()) != null; ) {
                JsonNode reply = JSON.readTree(line);
                if (reply.has("id")) {
                    replies.put(reply.get("id").asInt(), reply);
                }
            }
            assertThat(replies.get(2).has("result")).isTrue();
            assertThat(replies.get(3).path("error").path("code").asInt()).isEqualTo(-32003);
            in.close();
            stdio.process().waitFor();
            Thread.sleep(100);
            return stdio.stderr();
        }
    }

    private String mint(String audience, Instant expiresAt, String secret) {
        String token = TokenMinter.withSecret(secret.getBytes(StandardCharsets.UTF_8))
                .withClock(java.time.Clock.fixed(expiresAt.minusSeconds(300), java.time.ZoneOffset.UTC)).token().subject("dana")
                .clientId("audit-client").issuer("https://issuer.example").audience(audience).scope("math:calculate")
                .ttl(Duration.ofSeconds(300)).mint();
        minted.add(token);
        return token;
    }

    private HttpResponse<String> call(String mcp, String token, String tool, String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mcp)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .POST(HttpRequest.BodyPublishers.ofString(toolCall(1, tool, traceparent).replace("\"_meta\":{", "\"_meta\":{"
                        + PrometheusMetricsTest.MODERN_META.substring(1, PrometheusMetricsTest.MODERN_META.length() - 1) + ",")));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A tools/call whose {@code _meta} carries {@code traceparent} when given (MCP 2026-07-28 puts trace context there). */
    private static String toolCall(int id, String tool, String traceparent) {
        String meta = traceparent == null ? "\"_meta\":{\"x\":1}" : "\"_meta\":{\"traceparent\":\"" + traceparent + "\"}";
        String arguments = tool.equals("add_numbers") ? "{\"a\":1,\"b\":2}" : "{}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":"
                + arguments + "," + meta + "}}";
    }

    /** The audit logger's authorization events, their key-value pairs as one object each. */
    private static List<JsonNode> authorizationEvents(List<String> lines) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            if (!json.path("loggerName").asText().equals("audit")) {
                continue;
            }
            var fields = JSON.createObjectNode();
            json.path("kvpList").forEach(pair -> pair.fields().forEachRemaining(f -> fields.set(f.getKey(), f.getValue())));
            if (fields.path("event").asText().equals("authorization")) {
                events.add(fields);
            }
        }
        return events;
    }

    private static List<String> fieldNames(JsonNode event) {
        List<String> names = new ArrayList<>();
        event.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
