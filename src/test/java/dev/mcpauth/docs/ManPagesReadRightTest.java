package dev.mcpauth.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * The committed man pages as {@code man} shows them (groff at 80 columns) and each command's description in its help:
 * the project's manual name, plain synopses, whole tokens, whole sentences.
 */
class ManPagesReadRightTest {

    private final Path man = Docs.root().resolve("man");

    @Test
    void manPagesAtEightyColumnsNameTheManualKeepTokensWholeAndShowPlainSynopses() throws Exception {
        Assumptions.assumeTrue(groffAvailable(), "groff is not installed: the man pages are not rendered");
        List<Path> pages;
        try (var files = Files.list(man)) {
            pages = files.filter(p -> p.toString().endsWith(".1")).sorted().toList();
        }
        assertThat(pages).hasSizeGreaterThan(10);
        for (Path page : pages) {
            String narrow = groff(page, 80);
            Set<String> whole = new HashSet<>(Arrays.asList(groff(page, 2000).split("\\s+")));
            assertThat(narrow.lines().findFirst().orElse("")).as(page + " header").contains("mcp-auth Manual");
            for (String line : narrow.split("\n")) {
                for (String token : line.isBlank() ? new String[0] : line.strip().split("\\s+")) {
                    assertThat(whole).as(page.getFileName() + " cuts a token at the end of or in: \"" + line + "\"").contains(token);
                }
            }
        }
        String authserver = groff(man.resolve("mcp-auth-authserver.1"), 80).replaceAll("\\s+", " ");
        String synopsis = authserver.substring(authserver.indexOf("SYNOPSIS"), authserver.indexOf("DESCRIPTION"));
        assertThat(synopsis).contains("[--user=NAME:PASSWORD[,NAME:PASSWORD...]]...")
                .contains("[--client=ID:SECRET[:SCOPES][,ID:SECRET[:SCOPES]...]]...")
                .doesNotContain("NAME:_", "_PASSWORD", "&#91;", "_...");
    }

    /** A description is whole sentences, shown whole: none ends mid-sentence ("PKCE S256,"), none is cut in --help. */
    @Test
    void everyCommandsDescriptionEndsWithASentenceAndItsHelpShowsAllOfIt() {
        for (CommandLine command : Docs.commands()) {
            String[] description = command.getCommandSpec().usageMessage().description();
            if (description.length == 0) {
                continue;
            }
            String text = String.join(" ", description).replace("%n", " ").replaceAll("\\s+", " ").strip();
            String name = command.getCommandSpec().qualifiedName();
            assertThat(text).as(name + " description").endsWith(".");
            assertThat(command.getUsageMessage(Ansi.OFF).replaceAll("\\s+", " ")).as(name + " --help").contains(text);
        }
    }

    private static boolean groffAvailable() {
        try {
            return new ProcessBuilder("groff", "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The page as {@code man} renders it at {@code columns}, without bold or underline. */
    private static String groff(Path page, int columns) throws Exception {
        Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-P-cbou", "-rLL=" + columns + "n", page.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("groff " + page).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
