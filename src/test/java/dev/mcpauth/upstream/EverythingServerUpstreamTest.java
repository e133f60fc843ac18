package dev.mcpauth.upstream;

import static dev.mcpauth.upstream.UpstreamTesting.FAST;
import static dev.mcpauth.upstream.UpstreamTesting.call;
import static dev.mcpauth.upstream.UpstreamTesting.names;
import static dev.mcpauth.upstream.UpstreamTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcpauth.mcp.ToolCatalog;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real third-party upstream: {@code @modelcontextprotocol/server-everything} from npm, installed by
 * {@code npm ci} in {@code src/test/upstream-npm}. Skipped (with the reason) where node or the package is absent.
 */
class EverythingServerUpstreamTest {

    private static final Path PACKAGE_DIR = Path.of(System.getProperty("basedir", "."), "src/test/upstream-npm");
    private static final Path ENTRY = PACKAGE_DIR.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");

    @BeforeAll
    static void requireNodeAndPackage() {
        assumeTrue(nodeRuns(), "node is not installed: skipping the server-everything interop test");
        assumeTrue(Files.isRegularFile(ENTRY), "server-everything is not installed: run 'npm ci' in " + PACKAGE_DIR.toAbsolutePath());
    }

    @Test
    void echoOfServerEverythingOverStdioWorksThroughTheCatalog() throws Exception {
        ToolCatalog catalog = new ToolCatalog();
        UpstreamConnection connection = new UpstreamConnection(UpstreamSpec.stdio("everything", List.of("node", ENTRY.toString(), "stdio")), catalog, FAST);
        connection.start();
        try {
            assertThat(connection.awaitFirstAttempt(Duration.ofSeconds(60))).as("up: " + connection.lastProblem()).isTrue();

            CallToolResult result = call(catalog, "everything__echo", Map.of("message", "hello from the gateway"));

            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(text(result)).isEqualTo("Echo: hello from the gateway");
            assertThat(names(catalog)).contains("everything__echo", "everything__get-sum");
        } finally {
            connection.stop();
        }
    }

    @Test
    void echoOfServerEverythingOverStreamableHttpWorksThroughTheCatalog() throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder("node", ENTRY.toString(), "streamableHttp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", String.valueOf(port));
        Process server = builder.start();
        ToolCatalog catalog = new ToolCatalog();
        UpstreamConnection connection = new UpstreamConnection(
                UpstreamSpec.http("everything", URI.create("http://127.0.0.1:" + port + "/mcp"), null), catalog, FAST);
        try {
            UpstreamTesting.await("server-everything listening on " + port, Duration.ofSeconds(30), () -> accepts(port));
            connection.start();
            assertThat(connection.awaitFirstAttempt(Duration.ofSeconds(60))).as("up: " + connection.lastProblem()).isTrue();

            CallToolResult result = call(catalog, "everything__echo", Map.of("message", "over streamable http"));

            assertThat(text(result)).isEqualTo("Echo: over streamable http");
        } finally {
            connection.stop();
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean nodeRuns() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return node.waitFor(10, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
