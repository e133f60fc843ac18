package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code mcp-auth --help} is built from a summary of the subcommands; what it prints must be the whole tree's usage. */
class MainHelpTest {

    @Test
    void rootHelpFromTheSubcommandSummaryPrintsExactlyTheWholeTreesUsage() {
        String summary = Main.summaryTree().getUsageMessage();

        assertThat(summary).isEqualTo(Main.commandTree().getUsageMessage());
        assertThat(summary).contains("serve", "token", "doctor", "Exit codes:");
    }

    @Test
    void rootHelpAndVersionRunOnTheSummaryAndSucceed() {
        Cli.Result help = Cli.run("--help");
        Cli.Result version = Cli.run("-V");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).isEqualTo(Main.commandTree().getUsageMessage());
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("mcp-auth ");
    }
}
