package dev.mcpauth.upstream;

import static dev.mcpauth.upstream.UpstreamTesting.text;
import static dev.mcpauth.upstream.UpstreamTesting.tinyCommand;

import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A benchmark, not a test: the latency a trivial {@code tools/call} (echo) on a stdio upstream costs directly (the
 * SDK's own stdio client) and through the gateway over HTTP (stateless, HS256 bearer token, per-tool policy).
 * Run: {@code bench/upstream-overhead} (see bench/README.md).
 */
public final class UpstreamOverhead {

    private static final int WARMUP = 500;
    private static final int CALLS = 2000;

    public static void main(String[] args) throws Exception {
        long[] direct = direct();
        long[] gateway = throughGatewayOverHttp();
        System.out.printf("tools/call echo on a stdio upstream, %d calls after %d warm-up, nproc %d%n", CALLS, WARMUP,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  direct (SDK stdio client)         median %.3f ms  p99 %.3f ms%n", ms(percentile(direct, 50)), ms(percentile(direct, 99)));
        System.out.printf("  through the gateway (HTTP + auth)  median %.3f ms  p99 %.3f ms%n", ms(percentile(gateway, 50)), ms(percentile(gateway, 99)));
        System.exit(0);
    }

    private static long[] direct() {
        List<String> command = tinyCommand();
        ServerParameters params = ServerParameters.builder(command.getFirst()).args(command.subList(1, command.size())).build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper())).build();
        try {
            client.initialize();
            return sample(i -> {
                McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "n" + i)));
                check(text(result).equals("n" + i), "direct echo");
            });
        } finally {
            client.closeGracefully();
        }
    }

    private static long[] throughGatewayOverHttp() throws Exception {
        Path root = Files.createTempDirectory("overhead");
        GatewayConfig base = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes()), root, true);
        GatewayConfig config = new GatewayConfig(base.listener(), base.auth(), base.jwt(), base.policy(),
                new GatewayConfig.Tools(false, root, List.of(), Duration.ofSeconds(10)), base.edge(), null, List.of(),
                List.of(new GatewayConfig.UpstreamConfig("tiny", tinyCommand(), null, null, Map.of(), Duration.ofSeconds(10), 16)));
        try (TestGateway gw = TestGateway.start(config)) {
            String token = gw.token();
            return sample(i -> {
                HttpResponse<String> res = gw.http.send(gw.post(token, TestGateway.toolCall(i, "echo", "{\"text\":\"n" + i + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                check(res.statusCode() == 200 && res.body().contains("n" + i), "gateway echo: " + res.statusCode());
            });
        }
    }

    private interface Call {
        void run(int i) throws Exception;
    }

    private static long[] sample(Call call) {
        long[] samples = new long[CALLS];
        try {
            for (int i = -WARMUP; i < CALLS; i++) {
                long start = System.nanoTime();
                call.run(i);
                if (i >= 0) {
                    samples[i] = System.nanoTime() - start;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return samples;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("unexpected reply: " + what);
        }
    }

    private static long percentile(long[] samples, int p) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

}
