package dev.mcpauth.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (the Debian package) as a real child process running {@code docs/haproxy.cfg} exactly as the README shows
 * it, in front of two loopback replicas. The calling test is skipped when haproxy is not installed.
 */
public final class Haproxy implements AutoCloseable {

    public static final Path CONFIG = Path.of("docs/haproxy.cfg").toAbsolutePath();

    private final Process process;
    private final Path log;
    public final int port;

    private Haproxy(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts HAProxy on {@code port} (loopback) balancing {@code replica1} and {@code replica2} (loopback ports). */
    public static Haproxy start(Path dir, int port, int replica1, int replica2) throws Exception {
        String haproxy = NodeClients.executable("haproxy");
        if (haproxy == null && Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
            haproxy = "/usr/sbin/haproxy";
        }
        assumeTrue(haproxy != null, "haproxy is not installed (apt-get install haproxy): scale-out tests skipped");
        Path log = dir.resolve("haproxy.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(haproxy, "-db", "-f", CONFIG.toString()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MCP_FRONT", "127.0.0.1:" + port);
        pb.environment().put("MCP_REPLICA_1", "127.0.0.1:" + replica1);
        pb.environment().put("MCP_REPLICA_2", "127.0.0.1:" + replica2);
        Process process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new Haproxy(process, log, port);
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("haproxy did not start: " + Files.readString(log));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String log() throws java.io.IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
