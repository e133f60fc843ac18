package dev.mcpauth.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the third-party MCP clients in {@code src/test/interop} (the official TypeScript SDK from npm) as real
 * child processes. Installs them with {@code npm ci} on first use; when Node/npm is absent the calling test is
 * skipped with a message saying so.
 */
public final class NodeClients {

    private static final Path DIR = Path.of("src/test/interop").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile boolean installed;

    private NodeClients() {
    }

    /** Runs {@code node <script> args...} and parses the single JSON line it prints. */
    public static JsonNode run(String script, String... args) throws Exception {
        ensureInstalled();
        List<String> cmd = new ArrayList<>(List.of(executable("node"), script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish in 120 s");
        }
        String stdout = new String(out, StandardCharsets.UTF_8).strip();
        String last = stdout.lines().reduce((a, b) -> b).orElse("");
        if (!last.startsWith("{")) {
            throw new AssertionError(script + " printed no JSON (exit " + p.exitValue() + "): " + stdout + "\n" + new String(err, StandardCharsets.UTF_8));
        }
        return JSON.readTree(last);
    }

    private static synchronized void ensureInstalled() throws IOException, InterruptedException {
        if (installed) {
            return;
        }
        String node = executable("node");
        assumeTrue(node != null, "Node.js is not installed: interop tests with third-party MCP clients skipped");
        if (!Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk"))) {
            String npm = executable("npm");
            assumeTrue(npm != null, "npm is not installed: interop tests with third-party MCP clients skipped");
            Process p = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(DIR.toFile()).inheritIO().start();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("npm ci in " + DIR + " failed");
            }
        }
        installed = true;
    }

    static String executable(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
