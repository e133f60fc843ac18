package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Shared helpers for the upstream tests: the tiny stdio server's spec, calls through the catalog, waiting. */
final class UpstreamTesting {

    /** Quick retries, so that restart tests stay fast. */
    static final Backoff FAST = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1));

    /** A caller whose token must never reach an upstream. */
    static final AccessToken CALLER = new AccessToken("alice", "client-1", Set.of("tools"), List.of("https://gateway.example/mcp"),
            "https://issuer.example", Instant.now().plusSeconds(3600), Map.of());

    private UpstreamTesting() {
    }

    /** The command that runs {@link TinyUpstreamServer} in a new JVM, with this test's classpath. */
    static List<String> tinyCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), TinyUpstreamServer.class.getName());
    }

    static UpstreamSpec tinySpec(String name) {
        return UpstreamSpec.stdio(name, tinyCommand()).withCallTimeout(Duration.ofSeconds(10));
    }

    static CallToolResult call(ToolCatalog catalog, String tool, Map<String, Object> arguments) throws Exception {
        CatalogTool entry = catalog.find(tool).orElseThrow(() -> new AssertionError("no tool " + tool + " in " + names(catalog)));
        return entry.handler().call(new ToolCall(CALLER, tool, arguments));
    }

    static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    static List<String> names(ToolCatalog catalog) {
        return catalog.tools().stream().map(CatalogTool::name).toList();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    static UpstreamConnection startTiny(UpstreamSpec spec, ToolCatalog catalog) throws InterruptedException {
        UpstreamConnection connection = new UpstreamConnection(spec, catalog, FAST);
        connection.start();
        assertThat(connection.awaitFirstAttempt(Duration.ofSeconds(30))).as("tiny upstream came up: " + connection.lastProblem()).isTrue();
        return connection;
    }
}
