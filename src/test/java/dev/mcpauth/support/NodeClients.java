package dev.mcpauth.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs Node scripts as real child processes: the third-party MCP clients in {@code src/test/interop} (the official
 * TypeScript SDK from npm) and the browser drivers in {@code src/test/browser} (playwright-core). Installs a
 * folder's packages with {@code npm ci} on first use; when Node/npm is absent the calling test is skipped with a
 * message saying so.
 */
public final class NodeClients {

    public static final Path INTEROP = Path.of("src/test/interop").toAbsolutePath();
    public static final Path BROWSER = Path.of("src/test/browser").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Path> INSTALLED = new HashSet<>();

    private NodeClients() {
    }

    /** Runs {@code node <script> args...} in {@code src/test/interop} and parses the single JSON line it prints. */
    public static JsonNode run(String script, String... args) throws Exception {
        return runIn(INTEROP, "@modelcontextprotocol/sdk", script, args);
    }

    /**
     * Runs {@code node <script> args...} in {@code dir} (after {@code npm ci} there if {@code requiredModule} is not
     * installed) and parses the last line it prints, which must be a JSON object.
     */
    public static JsonNode runIn(Path dir, String requiredModule, String script, String... args) throws Exception {
        ensureInstalled(dir, requiredModule);
        List<String> cmd = new ArrayList<>(List.of(executable("node"), script));
        cmd.addAll(List.of(args));
        Path stderr = Files.createTempFile("node-stderr", ".txt");
        try {
            // stderr goes to a file so that a chatty script can never block on a full pipe.
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(stderr.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(script + " did not finish in 120 s");
            }
            String stdout = new String(out, StandardCharsets.UTF_8).strip();
            String last = stdout.lines().reduce((a, b) -> b).orElse("");
            if (!last.startsWith("{")) {
                throw new AssertionError(script + " printed no JSON (exit " + p.exitValue() + "): " + stdout + "\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return JSON.readTree(last);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    /** Installs {@code dir}'s packages unless {@code requiredModule} is there; skips the calling test without Node or npm. */
    public static synchronized void ensureInstalled(Path dir, String requiredModule) throws IOException, InterruptedException {
        if (INSTALLED.contains(dir)) {
            return;
        }
        String node = executable("node");
        assumeTrue(node != null, "Node.js is not installed: tests driving Node scripts in " + dir.getFileName() + " skipped");
        if (!Files.isDirectory(dir.resolve("node_modules").resolve(requiredModule))) {
            String npm = executable("npm");
            assumeTrue(npm != null, "npm is not installed: tests driving Node scripts in " + dir.getFileName() + " skipped");
            npmCi(npm, dir);
        }
        INSTALLED.add(dir);
    }

    /**
     * {@code npm ci} in {@code dir}, its output in {@code dir/npm-ci.log}. Never inherits this JVM's streams: Node makes
     * an inherited descriptor non-blocking and prints on stdout, which corrupts the channel surefire reads from its fork.
     */
    public static void npmCi(String npm, Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("npm-ci.log");
        Process p = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("npm ci in " + dir + " failed; its output is in " + log);
        }
    }

    public static String executable(String name) {
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
