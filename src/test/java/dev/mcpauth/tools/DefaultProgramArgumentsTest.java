package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.call;
import static dev.mcpauth.tools.ToolTesting.error;
import static dev.mcpauth.tools.ToolTesting.success;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default programs accept only their fixed safe arguments: every option that reads, writes or executes a file,
 * or sets the clock, is refused before anything runs, however GNU getopt would have spelled it (abbreviated long
 * options, combined short options, options after operands, {@code --}). Arguments are written {@code a|b|c}.
 */
class DefaultProgramArgumentsTest {

    /** A line of a file the caller must never see through {@code date -f} and friends. */
    private static final String SECRET_LINE = "TOP-SECRET-LINE-0f3a";

    @TempDir
    Path root;

    private CatalogTool tool;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(root.resolve("secret.txt"), SECRET_LINE + "\n");
        tool = new CommandTools(root, CommandAllowlist.defaults(), Duration.ofSeconds(10), CommandTools.DEFAULT_OUTPUT_CAP_BYTES).executeCommand();
    }

    private void assertRefusedWithoutRunning(String program, String args) throws Exception {
        CallToolResult result = call(tool, Map.of("command", program, "args", List.of(args.split("\\|", -1))));

        assertThat(error(result)).contains("argument 'args[").contains("is refused for program '" + program + "'")
                .contains("Nothing was run").doesNotContain(SECRET_LINE);
        assertThat(result.structuredContent()).as("a refused call reports no run (every run reports exit_code)").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-f|secret.txt", "--file|secret.txt", "--file=secret.txt", "--fil=secret.txt", "--fi=secret.txt", "-fsecret.txt",
            "-uf|secret.txt", "-ufsecret.txt", "-Rf|secret.txt",
            "+%s|-f|secret.txt", "+%s|--file=secret.txt", "-u|+%s|-f|/etc/passwd",
            "--|-f|secret.txt", "-f|-", "-f|/dev/stdin"})
    void dateRefusesEveryWayOfReadingAFile(String args) throws Exception {
        assertRefusedWithoutRunning("date", args);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-r|secret.txt", "--reference=secret.txt", "--reference|secret.txt", "--ref=secret.txt", "-rsecret.txt", "-ur|secret.txt",
            "-s|2000-01-01", "--set=2000-01-01", "--se=2000-01-01", "-us|2000-01-01", "010100002000", "+%s|010100002000"})
    void dateRefusesReferenceFilesAndSettingTheClock(String args) throws Exception {
        assertRefusedWithoutRunning("date", args);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-d|TZ=\"/etc/passwd\" now", "--date=TZ=\"secret.txt\" now", "-d|next week", "-d", "--date", "-d@0", "--dat=@0",
            "--debug", "--help", "--version", "--resolution", "-u|--", "--utc=1", "-I|seconds", "--iso-8601=full", "+%s|extra"})
    void dateRefusesFreeDateStringsAndEverythingUnlisted(String args) throws Exception {
        assertRefusedWithoutRunning("date", args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-x", "-ax", "--al", "--all=1", "-a|--", "secret.txt", "-a|secret.txt", "--help", "-"})
    void unameRefusesAnythingButItsFlags(String args) throws Exception {
        assertRefusedWithoutRunning("uname", args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret.txt", "-a", "--help", "--version", ""})
    void whoamiTakesNoArguments(String args) throws Exception {
        assertRefusedWithoutRunning("whoami", args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-L", "-P", "secret.txt", "--help", ""})
    void pwdTakesNoArguments(String args) throws Exception {
        assertRefusedWithoutRunning("pwd", args);
    }

    @Test
    void refusalNamesTheArgumentTheProgramAndWhatItAccepts() throws Exception {
        String message = error(call(tool, Map.of("command", "date", "args", List.of("+%s", "--fil=secret.txt"))));

        assertThat(message).startsWith("argument 'args[1]' ('--fil=secret.txt') is refused for program 'date'").contains("+FORMAT");
    }

    @Test
    void dateWithAFormatPrintsTheYear() throws Exception {
        Map<String, Object> run = success(tool, call(tool, Map.of("command", "date", "args", List.of("-u", "+%Y"))));

        assertThat(((String) run.get("stdout")).trim()).isEqualTo(String.valueOf(ZonedDateTime.now(ZoneOffset.UTC).getYear()));
    }

    @Test
    void dateAcceptsAnEpochSecondAndTheIsoAndRfcForms() throws Exception {
        assertThat(stdout("date", "-u", "-d", "@86400", "+%F")).isEqualTo("1970-01-02");
        assertThat(stdout("date", "--utc", "--date=@0", "-Iseconds")).isEqualTo("1970-01-01T00:00:00+00:00");
        assertThat(stdout("date", "--date", "@0", "-u", "--rfc-3339=date")).isEqualTo("1970-01-01");
        assertThat(stdout("date", "-R", "-u", "-d", "@0")).isEqualTo("Thu, 01 Jan 1970 00:00:00 +0000");
    }

    @Test
    void unameAcceptsItsFlagsAloneCombinedAndLong() throws Exception {
        assertThat(stdout("uname", "-s")).isEqualTo("Linux");
        assertThat(stdout("uname", "--kernel-name")).isEqualTo("Linux");
        assertThat(stdout("uname", "-sr")).startsWith("Linux ");
        assertThat(stdout("uname")).isEqualTo("Linux");
    }

    @Test
    void pwdPrintsTheFilesRootAndWhoamiTheUser() throws Exception {
        assertThat(stdout("pwd")).isEqualTo(root.toRealPath().toString());
        assertThat(stdout("whoami")).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void echoPrintsEveryArgumentAsData() throws Exception {
        assertThat(stdout("echo", "-f", "secret.txt", "--", "$(id)")).isEqualTo("-f secret.txt -- $(id)");
    }

    private String stdout(String program, String... args) throws Exception {
        Map<String, Object> run = success(tool, call(tool, Map.of("command", program, "args", List.of(args))));
        return ((String) run.get("stdout")).strip();
    }
}
