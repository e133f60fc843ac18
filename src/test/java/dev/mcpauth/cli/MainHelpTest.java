package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

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
        Cli.Result help = Cli.main("--help");
        Cli.Result version = Cli.main("-V");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).isEqualTo(Main.commandTree().getUsageMessage());
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("mcp-auth ");
    }

    @Test
    void theVersionPrintedWithoutThePicocliModelIsWhatPicocliPrints() {
        java.io.StringWriter picocli = new java.io.StringWriter();
        Main.commandTree().printVersionHelp(new java.io.PrintWriter(picocli, true));

        for (String option : new String[] {"--version", "-V"}) {
            Cli.Result version = Cli.main(option);
            assertThat(version.exitCode()).isZero();
            assertThat(version.out()).isEqualTo(picocli.toString().replace(System.lineSeparator(), "\n"))
                    .startsWith("mcp-auth ").contains("(commit ").contains("Java ");
        }
    }

    @Test
    void eachGroupMemberIsRegisteredUnderItsOwnCommandName() {
        Main.GROUP_MEMBERS.values().forEach(members -> members.forEach((name, type) ->
                assertThat(type.getAnnotation(Command.class).name()).as(type.getName()).isEqualTo(name)));
    }

    @Test
    void aCommandLineNamingOneMemberOfAGroupRunsItAndTheGroupsHelpStillListsThemAll() {
        Cli.Result mint = Cli.main("token", "mint", "--secret", "main-help-test-secret-at-least-32-bytes", "--scope", "a");
        Cli.Result groupHelp = Cli.main("token", "--help");
        Cli.Result memberHelp = Cli.main("keys", "show", "--help");
        Cli.Result typo = Cli.main("token", "mintt");

        assertThat(mint.exitCode()).as(mint.err()).isZero();
        assertThat(mint.out()).matches("(?s)[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\s*");
        assertThat(groupHelp.exitCode()).isZero();
        assertThat(groupHelp.out()).isEqualTo(Main.commandTree().getSubcommands().get("token").getUsageMessage())
                .contains("mint", "inspect", "verify");
        assertThat(memberHelp.exitCode()).isZero();
        assertThat(memberHelp.out()).isEqualTo(Main.commandTree().getSubcommands().get("keys").getSubcommands().get("show").getUsageMessage());
        assertThat(typo.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(typo.err()).contains("mintt").contains("mint");
    }
}
