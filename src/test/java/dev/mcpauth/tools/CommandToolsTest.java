package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.assertConformsToOutputSchema;
import static dev.mcpauth.tools.ToolTesting.call;
import static dev.mcpauth.tools.ToolTesting.error;
import static dev.mcpauth.tools.ToolTesting.map;
import static dev.mcpauth.tools.ToolTesting.structured;
import static dev.mcpauth.tools.ToolTesting.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.mcp.CatalogTool;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandToolsTest {

    @TempDir
    Path root;

    private CatalogTool tool(CommandAllowlist allowlist, Duration timeout, int cap) {
        return new CommandTools(root, allowlist, timeout, cap).executeCommand();
    }

    /** One program that accepts any arguments: for tests of running, not of argument rules. */
    private CatalogTool anyArguments(String program, Duration timeout, int cap) {
        return tool(CommandAllowlist.of(List.of(AllowedProgram.withPatterns(program, List.of("(?s).*"), CommandTools.MAX_ARGS))), timeout, cap);
    }

    private CatalogTool defaults() {
        return tool(CommandAllowlist.defaults(), Duration.ofSeconds(10), CommandTools.DEFAULT_OUTPUT_CAP_BYTES);
    }

    @Test
    void allowlistedEchoReturnsStdoutAndExitCode() throws Exception {
        CatalogTool echo = defaults();

        Map<String, Object> run = success(echo, call(echo, Map.of("command", "echo", "args", List.of("hello", "world"))));

        assertThat(run).containsEntry("stdout", "hello world\n").containsEntry("stderr", "").containsEntry("exit_code", 0)
                .containsEntry("timed_out", false).containsEntry("stdout_truncated", false);
    }

    @Test
    void shellSyntaxInArgumentsIsPassedLiterallyAndNeverInterpreted() throws Exception {
        CatalogTool echo = defaults();
        List<String> args = List.of("$(touch marker1)", "`touch marker2`", "&&", "touch", "marker3", ";", "touch", "marker4",
                "|", "tee", "marker5", ">", "marker6", "$HOME", "*");

        Map<String, Object> run = success(echo, call(echo, Map.of("command", "echo", "args", args)));

        assertThat(run).containsEntry("stdout", String.join(" ", args) + "\n");
        try (var files = Files.list(root)) {
            assertThat(files).as("no marker file was created in the working directory").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo; rm -rf /", "echo && id", "echo $(id)", "echo`id`", "echo hello", "echo|sh", "echo>x", "*"})
    void commandWithShellMetacharactersIsRefused(String command) throws Exception {
        Path marker = root.resolve("x");

        assertThat(error(call(defaults(), Map.of("command", command)))).contains("argument 'command'").contains("shell metacharacters");
        assertThat(marker).doesNotExist();
    }

    @Test
    void programOutsideTheAllowlistIsRefused() throws Exception {
        assertThat(error(call(defaults(), Map.of("command", "rm", "args", List.of("-rf", ".")))))
                .contains("program 'rm' is not allowlisted").contains("echo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/sh", "/usr/bin/echo", "./echo", "../bin/echo", "bin/echo"})
    void programGivenAsAPathIsRefusedEvenWhenItsNameIsAllowlisted(String command) throws Exception {
        assertThat(error(call(defaults(), Map.of("command", command)))).contains("not a path");
    }

    @Test
    void badArgumentsAreRefusedNamingTheArgument() throws Exception {
        CatalogTool echo = defaults();

        assertThat(error(call(echo, Map.of()))).contains("argument 'command' is required");
        assertThat(error(call(echo, Map.of("command", "echo", "args", "hello")))).contains("argument 'args' must be an array of strings");
        assertThat(error(call(echo, Map.of("command", "echo", "args", List.of("ok", 7))))).contains("argument 'args[1]' must be a string");
        assertThat(error(call(echo, Map.of("command", "echo", "args", Collections.nCopies(65, "a"))))).contains("at most 64");
        assertThat(error(call(echo, Map.of("command", "echo", "args", List.of("x".repeat(5000)))))).contains("args[0]").contains("at most 4096");
        assertThat(error(call(echo, Map.of("command", "echo", "shell", true)))).contains("unknown argument shell");
    }

    @Test
    void timeoutKillsALongRunningProcessAndSaysSo() throws Exception {
        CatalogTool sleep = anyArguments("sleep", Duration.ofSeconds(1), 1024);
        long started = System.nanoTime();

        CallToolResult result = call(sleep, Map.of("command", "sleep", "args", List.of("5")));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(error(result)).contains("timed out after 1000 ms").contains("process tree was killed");
        assertThat(structured(result)).containsEntry("timed_out", true);
    }

    @Test
    void timeoutKillsTheChildrenOfTheProcessToo() throws Exception {
        CatalogTool sh = anyArguments("sh", Duration.ofSeconds(1), 1024);

        CallToolResult result = call(sh, Map.of("command", "sh", "args", List.of("-c", "sleep 30 & echo $! > child.pid; wait")));

        assertThat(error(result)).contains("timed out");
        long childPid = Long.parseLong(Files.readString(root.resolve("child.pid")).trim());
        ProcessHandle.of(childPid).ifPresent(child -> child.onExit().orTimeout(5, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).as("background sleep was killed").isNotEqualTo(Optional.of(true));
    }

    @Test
    void outputBeyondTheCapIsCutAndSaysSo() throws Exception {
        CatalogTool echo = anyArguments("echo", Duration.ofSeconds(10), 100);

        Map<String, Object> run = success(echo, call(echo, Map.of("command", "echo", "args", List.of("x".repeat(1000)))));

        assertThat((String) run.get("stdout")).isEqualTo("x".repeat(100));
        assertThat(run).containsEntry("stdout_truncated", true).containsEntry("stderr_truncated", false);
        assertThat((String) run.get("note")).contains("stdout truncated to 100 of 1001 bytes");
    }

    @Test
    void largeOutputOnBothStreamsIsDrainedWithoutDeadlock() throws Exception {
        CatalogTool sh = anyArguments("sh", Duration.ofSeconds(20), 1024);

        Map<String, Object> run = success(sh, call(sh, Map.of("command", "sh",
                "args", List.of("-c", "head -c 300000 /dev/zero >&2; head -c 300000 /dev/zero; echo done >&2"))));

        assertThat(run).containsEntry("exit_code", 0).containsEntry("timed_out", false)
                .containsEntry("stdout_truncated", true).containsEntry("stderr_truncated", true);
        assertThat((String) run.get("note")).contains("stdout truncated to 1024 of 300000 bytes").contains("stderr truncated to 1024 of 300005 bytes");
    }

    @Test
    void nonZeroExitIsAnErrorThatCarriesTheExitCode() throws Exception {
        CatalogTool sh = anyArguments("sh", Duration.ofSeconds(10), 1024);

        CallToolResult result = call(sh, Map.of("command", "sh", "args", List.of("-c", "echo oops >&2; exit 3")));

        assertThat(error(result)).contains("exited with code 3");
        assertThat(structured(result)).containsEntry("exit_code", 3).containsEntry("stderr", "oops\n");
        assertConformsToOutputSchema(sh, result);
    }

    @Test
    void childSeesOnlyAMinimalEnvironmentAndRunsInTheFilesRoot() throws Exception {
        CatalogTool tools = tool(CommandAllowlist.names(List.of("env", "pwd")), Duration.ofSeconds(10), 4096);

        Map<String, Object> env = success(tools, call(tools, Map.of("command", "env")));
        Map<String, Object> pwd = success(tools, call(tools, Map.of("command", "pwd")));

        assertThat(((String) env.get("stdout")).lines().sorted()).containsExactly("LC_ALL=C", "PATH=/usr/bin:/bin");
        assertThat(((String) pwd.get("stdout")).trim()).isEqualTo(root.toRealPath().toString());
    }

    @Test
    void childStdinIsClosedSoAProgramReadingItEndsAtOnce() throws Exception {
        CatalogTool cat = tool(CommandAllowlist.names(List.of("cat")), Duration.ofSeconds(10), 1024);

        Map<String, Object> run = success(cat, call(cat, Map.of("command", "cat")));

        assertThat(run).containsEntry("stdout", "").containsEntry("timed_out", false);
    }

    @Test
    void allowlistedProgramThatIsNotInstalledIsRefused() throws Exception {
        CatalogTool missing = tool(CommandAllowlist.names(List.of("no-such-program-xyz")), Duration.ofSeconds(1), 1024);

        assertThat(error(call(missing, Map.of("command", "no-such-program-xyz")))).contains("allowlisted but not installed");
    }

    @Test
    void allowlistEntryThatIsAPathIsAConfigurationError() {
        assertThatThrownBy(() -> CommandAllowlist.names(List.of("/bin/sh")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bare program name");
    }

    @Test
    void schemaAdvertisesTheAllowlist() {
        Map<String, Object> properties = map(defaults().tool().inputSchema().get("properties"));

        assertThat(map(properties.get("command"))).containsEntry("enum", List.of("date", "echo", "pwd", "uname", "whoami"));
    }
}
