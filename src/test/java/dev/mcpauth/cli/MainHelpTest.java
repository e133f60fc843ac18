package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
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
        Cli.Result help = Cli.run("--help");
        Cli.Result version = Cli.run("-V");

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
            Run version = run(option);
            assertThat(version.code()).isZero();
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
        Run mint = run("token", "mint", "--secret", "main-help-test-secret-at-least-32-bytes", "--scope", "a");
        Run groupHelp = run("token", "--help");
        Run memberHelp = run("keys", "show", "--help");
        Run typo = run("token", "mintt");

        assertThat(mint.code()).as(mint.err()).isZero();
        assertThat(mint.out()).matches("(?s)[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\s*");
        assertThat(groupHelp.code()).isZero();
        assertThat(groupHelp.out()).isEqualTo(Main.commandTree().getSubcommands().get("token").getUsageMessage())
                .contains("mint", "inspect", "verify");
        assertThat(memberHelp.code()).isZero();
        assertThat(memberHelp.out()).isEqualTo(Main.commandTree().getSubcommands().get("keys").getSubcommands().get("show").getUsageMessage());
        assertThat(typo.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(typo.err()).contains("mintt").contains("mint");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            return new Run(Main.run(args), stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
