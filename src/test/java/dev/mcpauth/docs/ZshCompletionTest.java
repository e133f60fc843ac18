package dev.mcpauth.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed zsh completion, autoloaded from fpath by a real interactive zsh (driven through zpty), completes
 * commands and options. Skipped where zsh is not installed.
 */
class ZshCompletionTest {

    @Test
    void interactiveZshCompletesCommandsAndOptions(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("zsh"), "zsh is not installed; the zsh completion is not exercised");
        Path fpath = Files.createDirectories(dir.resolve("fpath"));
        Files.copy(Docs.root().resolve("completions/_mcp-auth"), fpath.resolve("_mcp-auth"));
        // Type a partial line and TAB, then Ctrl-A and `echo LINE=` + Ctrl-E to print what the line became.
        String driver = String.join("\n",
                "zmodload zsh/zpty",
                "zpty -b z zsh -f -i",
                "zpty -w z 'PS1=\"> \"; fpath=(" + fpath + " $fpath); autoload -U compinit && compinit -u; setopt nobeep'",
                "zpty -w z 'mcp-auth() { :; }'",
                "type() { zpty -w -n z \"$1\"$'\\t'; sleep 2; zpty -w -n z $'\\x01echo LINE=\\x05\\n'; sleep 1; }",
                "type 'mcp-auth se'",
                "type 'mcp-auth serve --jwks-u'",
                "out=''; while zpty -r -t z chunk; do out+=$chunk; done",
                "print -r -- \"$out\" | tr -d '\\r' | grep -a '^LINE='",
                "zpty -d z", "");
        Path script = dir.resolve("drive.zsh");
        Files.writeString(script, driver, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("zsh", "-f", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("LINE=mcp-auth serve").contains("LINE=mcp-auth serve --jwks-uri");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
