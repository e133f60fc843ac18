package dev.mcpauth.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.docs.Docs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's quick start, taken from README.md between its QUICK START markers, in a real bash with the
 * jar-based launcher as {@code mcp-auth} on PATH. Only the port is changed (to a free one), so the README cannot rot.
 */
class ReadmeQuickStartIT {

    static final String BEGIN = "<!-- BEGIN QUICK START -->";
    static final String END = "<!-- END QUICK START -->";

    @Test
    void everyQuickStartCommandRunsAndTheToolCallAnswers(@TempDir Path work) throws Exception {
        String script = quickStart();
        assertThat(script).contains("mcp-auth serve").contains("mcp-auth flow").contains("tools/call");
        int port = Unpacked.freePort();
        Path bin = Files.createDirectories(work.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("mcp-auth"), Docs.root().resolve("dist/mcp-auth"));
        Path file = work.resolve("quickstart.sh");
        Files.writeString(file, "set -eo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
                + script.replace("127.0.0.1:8001", "127.0.0.1:" + port) + "\nwait\n", StandardCharsets.UTF_8);
        Path home = Files.createDirectories(work.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MCP_AUTH_"));
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("MCP_AUTH_PORT", String.valueOf(port));
        Path log = work.resolve("out.txt");
        Process p = pb.redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(finished).as("the quick start did not finish in 90 s:\n" + out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).containsIgnoringCase("www-authenticate: Bearer").contains("resource_metadata=")
                .contains("\"result\":5").doesNotContain("\"isError\":true");
    }

    /** The shell code of README.md's quick start; a README without the marked block fails, so the test cannot go quiet. */
    static String quickStart() throws Exception {
        String text = Files.readString(Docs.root().resolve("README.md"), StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("README.md must mark its quick start with " + BEGIN + " ... " + END).isGreaterThanOrEqualTo(0);
        assertThat(end).as("README.md must mark its quick start with " + BEGIN + " ... " + END).isGreaterThan(begin);
        return codeBlocks(text.substring(begin, end));
    }

    static String codeBlocks(String markdown) {
        Matcher m = Pattern.compile("(?ms)^```(?:sh|bash|shell)?\\s*\\n(.*?)^```").matcher(markdown);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return String.join("\n", blocks);
    }
}
