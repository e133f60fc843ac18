package dev.mcpauth.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code @modelcontextprotocol/server-everything} (npm, {@code src/test/upstream-npm}) serving Streamable HTTP on an
 * ephemeral loopback port: the upstream the fidelity tests run their checks against directly. Skips the calling test
 * when the package is not installed.
 */
public final class EverythingHttp implements AutoCloseable {

    public static final Path ENTRY = Path.of("src/test/upstream-npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js")
            .toAbsolutePath();

    private final Process process;
    private final int port;

    private EverythingHttp(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static EverythingHttp start() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(ENTRY), "server-everything is not installed (npm ci in src/test/upstream-npm): skipped");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("node", ENTRY.toString(), "streamableHttp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", String.valueOf(port));
        EverythingHttp started = new EverythingHttp(builder.start(), port);
        started.awaitListening();
        return started;
    }

    /** Its MCP endpoint. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        close();
        throw new AssertionError("server-everything did not listen on " + port + " within 30 s");
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
