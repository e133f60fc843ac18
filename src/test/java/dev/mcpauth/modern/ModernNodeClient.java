package dev.mcpauth.modern;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node scripts in {@code src/test/interop-modern} (the TypeScript SDK 2.x client from npm) as real child
 * processes; installs them with {@code npm ci} on first use. Without Node/npm the calling test is skipped.
 */
final class ModernNodeClient {

    private static final Path DIR = Path.of("src/test/interop-modern").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile boolean installed;

    private ModernNodeClient() {
    }

    /** Runs {@code node <script> args...} and parses the last line it prints, a JSON object. */
    static JsonNode run(String script, String... args) throws Exception {
        ensureInstalled();
        List<String> cmd = new ArrayList<>(List.of(executable("node"), script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish in 120 s");
        }
        String last = new String(out, StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("");
        if (!last.startsWith("{")) {
            throw new AssertionError(script + " printed no JSON (exit " + p.exitValue() + "): " + new String(out, StandardCharsets.UTF_8));
        }
        return JSON.readTree(last);
    }

    /** The node executable, once the scripts' packages are installed (skips the calling test without Node). */
    static String node() throws Exception {
        ensureInstalled();
        return executable("node");
    }

    /** The absolute path of a script in the interop-modern directory. */
    static String script(String name) {
        return DIR.resolve(name).toString();
    }

    private static synchronized void ensureInstalled() throws Exception {
        if (installed) {
            return;
        }
        assumeTrue(executable("node") != null, "Node.js is not installed: TypeScript SDK 2.x interop tests skipped");
        if (!Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/client"))) {
            String npm = executable("npm");
            assumeTrue(npm != null, "npm is not installed: TypeScript SDK 2.x interop tests skipped");
            dev.mcpauth.support.NodeClients.npmCi(npm, DIR);
        }
        installed = true;
    }

    static String executable(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
