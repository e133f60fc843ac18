package dev.mcpauth.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.GatewayServer;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.TokenMinter;
import dev.mcpauth.upstream.FakeHttpUpstream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spans exported by OTLP/HTTP to a small receiver in the test: the caller's traceparent (header or {@code _meta})
 * is the parent of the gateway's request span, and authenticate, authorize and each upstream call are its children; an
 * HTTP upstream is told its call's span in the traceparent header and in {@code _meta}. Without an exporter the
 * caller's own traceparent reaches the upstream unchanged.
 */
class TraceExportTest {

    @TempDir
    Path root;

    record ExportedSpan(String traceId, String spanId, String parentId, String name) {
    }

    /** A small OTLP/HTTP receiver on loopback that decodes every exported span into {@code spans}. */
    private static HttpServer otlpReceiver(List<ExportedSpan> spans) throws java.io.IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            spans.addAll(decode(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        return receiver;
    }

    @Test
    void theCallersTraceparentFromTheHeaderOrMetaParentsTheRequestSpanWhichParentsAuthenticateAndAuthorize() throws Exception {
        List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
        HttpServer receiver = otlpReceiver(spans);
        Tracing tracing = Tracing.otlp(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces"));
        GatewayServer gw = GatewayServer.start(TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)),
                root, false).validate(), tracing);
        try {
            String token = TokenMinter.withSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)).token()
                    .subject("alice").audience(gw.resourceUrl()).scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
            String headerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
            String metaTrace = "0af7651916cd43dd8448eb211c80319c";
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> viaHeader = http.send(call(gw, token, "00-" + headerTrace + "-00f067aa0ba902b7-01", null), HttpResponse.BodyHandlers.ofString());
            assertThat(viaHeader.statusCode()).as(viaHeader.body()).isEqualTo(200);
            HttpResponse<String> viaMeta = http.send(call(gw, token, null, "00-" + metaTrace + "-b7ad6b7169203331-01"), HttpResponse.BodyHandlers.ofString());
            assertThat(viaMeta.statusCode()).as(viaMeta.body()).isEqualTo(200);
            // The request span ends when the exchange completes, a moment after the client has its answer: the batch
            // exporter (every 200 ms) sends it then.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (spans.size() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            tracing.close();
            System.out.println("trace tree exported by OTLP:\n" + tree(spans));
            assertFamily(spans, headerTrace, "00f067aa0ba902b7");
            assertFamily(spans, metaTrace, "b7ad6b7169203331");
        } finally {
            gw.stop();
            receiver.stop(0);
        }
    }

    @Test
    void eachUpstreamCallIsASpanUnderTheRequestSpanAndTheHttpUpstreamIsToldItInTheTraceparentHeaderAndMeta() throws Exception {
        List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
        HttpServer receiver = otlpReceiver(spans);
        Tracing tracing = Tracing.otlp(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces"));
        try (FakeHttpUpstream upstream = new FakeHttpUpstream(0)) {
            GatewayServer gw = GatewayServer.start(withHttpUpstream(upstream).validate(), tracing);
            try {
                String callerTrace = "5bf92f3577b34da6a3ce929d0e0e4736";
                HttpResponse<String> response = HttpClient.newHttpClient().send(call(gw, token(gw), "00-" + callerTrace + "-00f067aa0ba902b7-01", null,
                        "remote__echo", "{\"text\":\"hi\"}"), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(response.body()).contains("hi");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (spans.size() < 4 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                tracing.close();
                System.out.println("trace tree exported by OTLP, caller -> gateway -> upstream:\n" + tree(spans));

                // caller -> mcp request -> upstream call -> what the upstream saw, one trace.
                ExportedSpan request = spans.stream().filter(s -> s.traceId().equals(callerTrace) && s.name().equals("mcp request")).findFirst().orElseThrow();
                assertThat(request.parentId()).isEqualTo("00f067aa0ba902b7");
                ExportedSpan upstreamCall = spans.stream().filter(s -> s.name().equals("upstream call")).collect(onlyOne());
                assertThat(upstreamCall.traceId()).isEqualTo(callerTrace);
                assertThat(upstreamCall.parentId()).as("a child of the request span").isEqualTo(request.spanId());
                String told = "00-" + callerTrace + "-" + upstreamCall.spanId() + "-01";
                assertThat(upstream.toolCallTraceparents).containsExactly(List.of(told, told));
            } finally {
                gw.stop();
            }
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void promptsGetAndResourcesReadOfAnUpstreamAreUpstreamCallSpansAndTheUpstreamIsToldThem() throws Exception {
        List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
        HttpServer receiver = otlpReceiver(spans);
        Tracing tracing = Tracing.otlp(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces"));
        try (FakeHttpUpstream upstream = new FakeHttpUpstream(0)) {
            upstream.offersPromptAndResource = true;
            GatewayServer gw = GatewayServer.start(withHttpUpstream(upstream).validate(), tracing);
            try {
                HttpClient http = HttpClient.newHttpClient();
                String session = legacySession(http, gw, token(gw));
                String promptTrace = "6bf92f3577b34da6a3ce929d0e0e4736";
                String readTrace = "7bf92f3577b34da6a3ce929d0e0e4736";
                HttpResponse<String> prompt = http.send(legacyPost(gw, token(gw), session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/get\","
                        + "\"params\":{\"name\":\"remote__greet\"}}").header("traceparent", "00-" + promptTrace + "-00f067aa0ba902b7-01").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(prompt.body()).contains("hello");
                HttpResponse<String> read = http.send(legacyPost(gw, token(gw), session, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\","
                        + "\"params\":{\"uri\":\"mem://note\"}}").header("traceparent", "00-" + readTrace + "-00f067aa0ba902b7-01").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(read.body()).contains("a note");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (spans.stream().filter(s -> s.name().equals("upstream call")).count() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                tracing.close();

                for (String[] expected : new String[][] {{"prompts/get", promptTrace}, {"resources/read", readTrace}}) {
                    ExportedSpan request = spans.stream().filter(s -> s.traceId().equals(expected[1]) && s.name().equals("mcp request"))
                            .findFirst().orElseThrow();
                    ExportedSpan hop = spans.stream().filter(s -> s.traceId().equals(expected[1]) && s.name().equals("upstream call"))
                            .collect(onlyOne());
                    assertThat(hop.parentId()).as(expected[0] + ": a child of the request span").isEqualTo(request.spanId());
                    String told = "00-" + expected[1] + "-" + hop.spanId() + "-01";
                    assertThat(upstream.otherTraceparents).contains(List.of(expected[0], told, told));
                }
            } finally {
                gw.stop();
            }
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void withoutAnOtlpEndpointTheCallersTraceparentReachesTheUpstreamUnchanged() throws Exception {
        try (FakeHttpUpstream upstream = new FakeHttpUpstream(0)) {
            GatewayServer gw = GatewayServer.start(withHttpUpstream(upstream).validate(), Tracing.OFF);
            try {
                String fromHeader = "00-6bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
                String fromMeta = "00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
                HttpClient http = HttpClient.newHttpClient();
                assertThat(http.send(call(gw, token(gw), fromHeader, null, "remote__echo", "{\"text\":\"a\"}"),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                assertThat(http.send(call(gw, token(gw), null, fromMeta, "remote__echo", "{\"text\":\"b\"}"),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                assertThat(http.send(call(gw, token(gw), null, null, "remote__echo", "{\"text\":\"c\"}"),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                // A 2025-11-25 session: relayed on the session's own upstream connection (BoundSessions), told alike.
                String session = legacySession(http, gw, token(gw));
                HttpResponse<String> legacy = http.send(legacyPost(gw, token(gw), session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"remote__echo\",\"arguments\":{\"text\":\"d\"}}}").header("traceparent", fromHeader).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(legacy.body()).contains("\"d\"");
                assertThat(upstream.toolCallTraceparents).containsExactly(List.of(fromHeader, fromHeader), List.of(fromMeta, fromMeta),
                        java.util.Arrays.asList(null, null), List.of(fromHeader, fromHeader));
            } finally {
                gw.stop();
            }
        }
    }

    /** The shared-secret gateway of these tests with one Streamable HTTP upstream, "remote" (its tools prefixed remote__). */
    private GatewayConfig withHttpUpstream(FakeHttpUpstream upstream) {
        upstream.acceptedTokens.add("upstream-token");
        GatewayConfig base = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
        return new GatewayConfig(base.listener(), base.auth(), base.jwt(), base.policy(), base.tools(), base.edge(), null, List.of(),
                List.of(new GatewayConfig.UpstreamConfig("remote", null, upstream.mcpUrl(),
                        new GatewayConfig.UpstreamAuth("upstream-token", null, null, null, null), java.util.Map.of(), Duration.ofSeconds(10), 4)));
    }

    private static String legacySession(HttpClient http, GatewayServer gw, String token) throws Exception {
        HttpResponse<String> init = http.send(legacyPost(gw, token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}").build(),
                HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new AssertionError("no session: " + init.body()));
        http.send(legacyPost(gw, token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").build(),
                HttpResponse.BodyHandlers.ofString());
        return session;
    }

    private static HttpRequest.Builder legacyPost(GatewayServer gw, String token, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.resourceUrl())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body));
        return session == null ? b : b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }

    private static String token(GatewayServer gw) {
        return TokenMinter.withSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("alice").audience(gw.resourceUrl()).scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyOne() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }

    @Test
    void anOtlpEndpointThatIsNotAnHttpUrlIsAConfigurationErrorAndAMalformedTraceparentStartsANewTrace() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertThat(dev.mcpauth.cli.Main.run("serve", "--port", "0", "--secret", TestGateway.SECRET, "--otlp-endpoint", "collector:4318"))
                    .isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString()).contains("--otlp-endpoint");
        assertThat(TraceParent.parse("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceParent.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isPresent();
    }

    private static void assertFamily(List<ExportedSpan> spans, String traceId, String callerSpan) {
        List<ExportedSpan> ours = spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
        ExportedSpan request = ours.stream().filter(s -> s.name().equals("mcp request")).findFirst().orElseThrow();
        assertThat(request.parentId()).as("the caller's span is the parent of the gateway's").isEqualTo(callerSpan);
        assertThat(ours).filteredOn(s -> s.parentId().equals(request.spanId())).extracting(ExportedSpan::name)
                .containsExactlyInAnyOrder("authenticate", "authorize");
    }

    private static String tree(List<ExportedSpan> spans) {
        StringBuilder b = new StringBuilder();
        for (ExportedSpan s : spans) {
            if (spans.stream().noneMatch(p -> p.spanId().equals(s.parentId()))) {
                b.append("trace ").append(s.traceId()).append(" (caller span ").append(s.parentId()).append(")\n");
                print(spans, s, "  ", b);
            }
        }
        return b.toString();
    }

    private static void print(List<ExportedSpan> spans, ExportedSpan span, String indent, StringBuilder b) {
        b.append(indent).append(span.name()).append(" ").append(span.spanId()).append('\n');
        spans.stream().filter(c -> c.parentId().equals(span.spanId())).forEach(c -> print(spans, c, indent + "  ", b));
    }

    private static HttpRequest call(GatewayServer gw, String token, String header, String meta) {
        return call(gw, token, header, meta, "add_numbers", "{\"a\":1,\"b\":2}");
    }

    private static HttpRequest call(GatewayServer gw, String token, String header, String meta, String tool, String arguments) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments + ","
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}" + (meta == null ? "" : ",\"traceparent\":\"" + meta + "\"") + "}}}";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.resourceUrl())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return (header == null ? b : b.header("traceparent", header)).build();
    }

    /** ExportTraceServiceRequest → resource_spans(1) → scope_spans(2) → spans(2): trace_id 1, span_id 2, parent 4, name 5. */
    private static List<ExportedSpan> decode(byte[] request) {
        List<ExportedSpan> out = new ArrayList<>();
        for (byte[] resourceSpans : fields(request, 1)) {
            for (byte[] scopeSpans : fields(resourceSpans, 2)) {
                for (byte[] span : fields(scopeSpans, 2)) {
                    out.add(new ExportedSpan(hex(first(span, 1)), hex(first(span, 2)), hex(first(span, 4)),
                            new String(first(span, 5), StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    private static byte[] first(byte[] message, int field) {
        List<byte[]> all = fields(message, field);
        return all.isEmpty() ? new byte[0] : all.get(0);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The length-delimited values of {@code field} in a protobuf message (other fields skipped by wire type). */
    private static List<byte[]> fields(byte[] message, int field) {
        List<byte[]> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < message.length) {
            long key = varint(message, pos);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> varint(message, pos);
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    int len = (int) varint(message, pos);
                    if ((key >>> 3) == field) {
                        ByteArrayOutputStream value = new ByteArrayOutputStream();
                        value.write(message, pos[0], len);
                        out.add(value.toByteArray());
                    }
                    pos[0] += len;
                }
                default -> throw new IllegalStateException("unexpected wire type " + wire);
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte next = b[pos[0]++];
            value |= (long) (next & 0x7f) << shift;
            if ((next & 0x80) == 0) {
                return value;
            }
        }
    }
}
