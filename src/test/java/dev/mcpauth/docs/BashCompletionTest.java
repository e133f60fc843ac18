package dev.mcpauth.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The committed bash completion script, sourced by a real bash, completes commands and options. */
class BashCompletionTest {

    private final Path script = Docs.root().resolve("completions/mcp-auth.bash");

    @Test
    void completesSeToServe() throws Exception {
        assertThat(complete("mcp-auth", "se")).containsExactly("serve");
    }

    @Test
    void completesServeOptions() throws Exception {
        assertThat(complete("mcp-auth", "serve", "--"))
                .contains("--port", "--host", "--secret", "--jwks-uri", "--issuer", "--introspection-uri", "--stdio", "--help")
                .doesNotContain("serve", "--scope");
    }

    @Test
    void completesTokenSubcommands() throws Exception {
        assertThat(complete("mcp-auth", "token", "")).contains("mint", "inspect", "verify");
    }

    /** Runs the completion function as bash would after TAB on the given words (the last one is being typed). */
    private List<String> complete(String... words) throws Exception {
        String line = String.join(" ", words);
        String bash = "source \"$1\"; shift\n"
                + "COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"" + line + "\"; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_mcp-auth mcp-auth \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        String[] command = new String[words.length + 5];
        command[0] = "bash";
        command[1] = "-c";
        command[2] = bash;
        command[3] = "completion-test"; // $0
        command[4] = script.toString();
        System.arraycopy(words, 0, command, 5, words.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
