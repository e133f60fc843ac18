package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * {@code --help} at the default 80 columns breaks lines between words only: a path, URL or label
 * ({@code ./mcp-auth.yaml}, {@code http://localhost:4318/v1/traces}, {@code NAME:PASSWORD[,NAME:PASSWORD...]}) is never
 * cut where picocli's line breaker would (after {@code .}, {@code /}, {@code :}, before {@code [}).
 */
class HelpWrapsAtSpacesTest {

    /**
     * Precisely: every whitespace-separated token of the 80-column help is a token of the same help laid out on one
     * line per paragraph (2000 columns, where nothing wraps). A token cut in two leaves pieces ({@code ./mcp-auth.},
     * {@code yaml}) that are no token of the unwrapped text; and no line is longer than 80.
     */
    @Test
    void everyCommandsHelpAtEightyColumnsBreaksLinesBetweenWholeTokensOnly() {
        for (CommandLine command : OptionVariablesTest.commands()) {
            UsageMessageSpec usage = command.getCommandSpec().usageMessage();
            assertThat(usage.width()).as("the default width").isEqualTo(80);
            usage.width(2000);
            Set<String> whole = new HashSet<>(Arrays.asList(command.getUsageMessage(Ansi.OFF).split("\\s+")));
            usage.width(80);
            String help = command.getUsageMessage(Ansi.OFF);
            String name = command.getCommandSpec().qualifiedName();
            for (String line : help.split("\n")) {
                assertThat(line.length()).as(name + ": line longer than 80 columns: " + line).isLessThanOrEqualTo(80);
                for (String token : line.isBlank() ? new String[0] : line.strip().split("\\s+")) {
                    assertThat(whole).as(name + " --help cuts a token at the end of or in: \"" + line + "\"").contains(token);
                }
            }
            assertThat(help).as(name + ": no stand-in character of the wrapping is left").doesNotContainPattern("[\\uE000-\\uE07F]");
        }
    }

    @Test
    void colouredHelpKeepsTokensWholeAndItsText() {
        CommandLine authserver = Main.commandTree().getSubcommands().get("authserver");
        String plain = authserver.getUsageMessage(Ansi.OFF);
        String coloured = authserver.getUsageMessage(Ansi.ON);
        assertThat(coloured.replaceAll("\u001B\\[[0-9;]*m", "")).isEqualTo(plain);
        assertThat(plain).contains("[--user=NAME:PASSWORD[,NAME:PASSWORD...]]...");
    }
}
