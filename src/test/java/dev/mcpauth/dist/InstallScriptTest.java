package dev.mcpauth.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code dist/install.sh --help} prints its header comment as help, and nothing of the script itself. */
class InstallScriptTest {

    @Test
    void installScriptHelpIsItsHeaderCommentAndNothingElse() throws Exception {
        Process help = new ProcessBuilder("bash", "dist/install.sh", "--help").redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor()).isZero();
        assertThat(out).startsWith("Installs an unpacked mcp-auth archive").doesNotContain("set -euo pipefail").doesNotContain("#");
        assertThat(out.strip().lines().reduce((a, b) -> b).orElseThrow()).startsWith("Usage: ./install.sh");
    }
}
