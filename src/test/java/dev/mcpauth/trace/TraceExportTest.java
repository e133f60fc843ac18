package dev.mcpauth.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.GatewayServer;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.TokenMinter;
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
 * is the parent of the gateway's request span, and authenticate and authorize are its children.
 */
class TraceExportTest {

    @TempDir
    Path root;

    record ExportedSpan(String traceId, String spanId, String parentId, String name) {
    }

    @Test
    void theCallersTraceparentFromTheHeaderOrMetaParentsTheRequestSpanWhichParentsAuthenticateAndAuthorize() throws Exception {
        List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            spans.addAll(decode(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
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
            tracing.close();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (spans.size() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            System.out.println("trace tree exported by OTLP:\n" + tree(spans));
            assertFamily(spans, headerTrace, "00f067aa0ba902b7");
            assertFamily(spans, metaTrace, "b7ad6b7169203331");
        } finally {
            gw.stop();
            receiver.stop(0);
        }
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
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add_numbers\",\"arguments\":{\"a\":1,\"b\":2},"
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}" + (meta == null ? "" : ",\"traceparent\":\"" + meta + "\"") + "}}}";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.resourceUrl())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call").header("Mcp-Name", "add_numbers")
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
