package dev.mcpauth.upstream;

import static dev.mcpauth.upstream.UpstreamTesting.call;
import static dev.mcpauth.upstream.UpstreamTesting.startTiny;
import static dev.mcpauth.upstream.UpstreamTesting.text;
import static dev.mcpauth.upstream.UpstreamTesting.tinyCommand;
import static dev.mcpauth.upstream.UpstreamTesting.tinySpec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.ToolCatalog;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Measures a trivial {@code tools/call} (echo) on the tiny stdio upstream: straight through the SDK's own stdio client,
 * and through the gateway's {@link UpstreamConnection} handler (in-process). Prints median and p99.
 */
class UpstreamLatencyTest {

    private static final int WARMUP = 200;
    private static final int CALLS = 500;

    @Test
    void echoLatencyDirectAndThroughTheGatewayHandler() throws Exception {
        long[] direct = direct();
        long[] gateway = throughGateway();

        System.err.printf("upstream latency over %d echo calls: direct SDK stdio client median %.3f ms p99 %.3f ms;"
                + " through UpstreamConnection median %.3f ms p99 %.3f ms%n",
                CALLS, ms(percentile(direct, 50)), ms(percentile(direct, 99)), ms(percentile(gateway, 50)), ms(percentile(gateway, 99)));
        assertThat(Arrays.stream(direct).min().orElseThrow()).isPositive();
        assertThat(Arrays.stream(gateway).min().orElseThrow()).isPositive();
    }

    private static long[] direct() {
        List<String> command = tinyCommand();
        ServerParameters params = ServerParameters.builder(command.getFirst()).args(command.subList(1, command.size())).build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper())).build();
        try {
            client.initialize();
            long[] samples = new long[CALLS];
            for (int i = -WARMUP; i < CALLS; i++) {
                long start = System.nanoTime();
                McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "n" + i)));
                long elapsed = System.nanoTime() - start;
                assertThat(text(result)).isEqualTo("n" + i);
                if (i >= 0) {
                    samples[i] = elapsed;
                }
            }
            return samples;
        } finally {
            client.closeGracefully();
        }
    }

    private static long[] throughGateway() throws Exception {
        ToolCatalog catalog = new ToolCatalog();
        UpstreamConnection connection = startTiny(tinySpec("tiny"), catalog);
        try {
            long[] samples = new long[CALLS];
            for (int i = -WARMUP; i < CALLS; i++) {
                long start = System.nanoTime();
                McpSchema.CallToolResult result = call(catalog, "tiny__echo", Map.of("text", "n" + i));
                long elapsed = System.nanoTime() - start;
                assertThat(text(result)).isEqualTo("n" + i);
                if (i >= 0) {
                    samples[i] = elapsed;
                }
            }
            return samples;
        } finally {
            connection.stop();
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
