package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.call;
import static dev.mcpauth.tools.ToolTesting.error;
import static dev.mcpauth.tools.ToolTesting.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.mcp.CatalogTool;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs the operator allows, with argument patterns: matching arguments run, anything else is refused unrun. */
class OperatorProgramRulesTest {

    @TempDir
    Path root;

    private CatalogTool tool(AllowedProgram... programs) {
        return new CommandTools(root, CommandAllowlist.of(List.of(programs)), Duration.ofSeconds(10), 4096).executeCommand();
    }

    private static void assertRefusedWithoutRunning(CallToolResult result, String program, int index) {
        assertThat(error(result)).contains("argument 'args[" + index + "]'").contains("is refused for program '" + program + "'")
                .contains("Nothing was run");
        assertThat(result.structuredContent()).as("a refused call reports no run").isNull();
    }

    @Test
    void argumentsMatchingAPatternRunAndTheProgramWorksInTheFilesRoot() throws Exception {
        CatalogTool touch = tool(AllowedProgram.withPatterns("touch", List.of("[a-z]{1,16}\\.txt"), 2));

        success(touch, call(touch, Map.of("command", "touch", "args", List.of("made.txt"))));

        assertThat(root.resolve("made.txt")).exists();
    }

    @Test
    void oneArgumentNotMatchingRefusesTheWholeCallBeforeAnythingRuns() throws Exception {
        CatalogTool touch = tool(AllowedProgram.withPatterns("touch", List.of("[a-z]{1,16}\\.txt"), 4));

        assertRefusedWithoutRunning(call(touch, Map.of("command", "touch", "args", List.of("made.txt", "../escape.txt"))), "touch", 1);
        assertRefusedWithoutRunning(call(touch, Map.of("command", "touch", "args", List.of("made.txt", "-r", "x.txt"))), "touch", 1);
        assertRefusedWithoutRunning(call(touch, Map.of("command", "touch", "args", List.of("made.txt", "a.txt\n"))), "touch", 1);

        assertThat(root.resolve("made.txt")).as("the allowed first argument did not run either").doesNotExist();
    }

    @Test
    void patternsMatchWholeArgumentsNotPrefixes() throws Exception {
        CatalogTool touch = tool(AllowedProgram.withPatterns("touch", List.of("made\\.txt"), 4));

        assertRefusedWithoutRunning(call(touch, Map.of("command", "touch", "args", List.of("made.txt.bak"))), "touch", 0);
        assertRefusedWithoutRunning(call(touch, Map.of("command", "touch", "args", List.of("xmade.txt"))), "touch", 0);
    }

    @Test
    void moreArgumentsThanTheMaximumAreRefused() throws Exception {
        CatalogTool touch = tool(AllowedProgram.withPatterns("touch", List.of("[a-z]\\.txt"), 2));

        assertRefusedWithoutRunning(call(touch, Map.of("command", "touch", "args", List.of("a.txt", "b.txt", "c.txt"))), "touch", 2);
        assertThat(root.resolve("a.txt")).doesNotExist();
    }

    @Test
    void aBareNameRunsWithoutArgumentsOnly() throws Exception {
        CatalogTool touch = tool(CommandAllowlist.bare("touch"));

        assertRefusedWithoutRunning(call(touch, Map.of("command", "touch", "args", List.of("made.txt"))), "touch", 0);
        assertThat(error(call(touch, Map.of("command", "touch", "args", List.of("made.txt"))))).contains("it takes no arguments");
        assertThat(root.resolve("made.txt")).doesNotExist();
    }

    @Test
    void aBareDefaultNameKeepsItsSafeArguments() throws Exception {
        CatalogTool date = tool(CommandAllowlist.bare("date"));

        assertThat(success(date, call(date, Map.of("command", "date", "args", List.of("-u", "-d", "@0", "+%Y")))))
                .containsEntry("stdout", "1970\n");
        assertRefusedWithoutRunning(call(date, Map.of("command", "date", "args", List.of("-f", "x"))), "date", 0);
    }

    @Test
    void childInheritsNothingOfTheGatewaysEnvironment() throws Exception {
        CatalogTool printenv = tool(AllowedProgram.withPatterns("printenv", List.of("[A-Za-z_][A-Za-z0-9_]*"), 64));
        List<String> inherited = System.getenv().keySet().stream()
                .filter(k -> k.matches("[A-Za-z_][A-Za-z0-9_]*") && !CommandTools.CHILD_ENVIRONMENT.containsKey(k)).limit(64).toList();
        assertThat(inherited).as("the test JVM has an environment to leak").isNotEmpty();

        CallToolResult result = call(printenv, Map.of("command", "printenv", "args", inherited));
        CallToolResult all = call(printenv, Map.of("command", "printenv"));

        assertThat(ToolTesting.structured(result)).as("printenv finds none of them").containsEntry("exit_code", 1).containsEntry("stdout", "");
        assertThat(((String) success(printenv, all).get("stdout")).lines().sorted()).containsExactly("LC_ALL=C", "PATH=/usr/bin:/bin");
    }

    @Test
    void toolDescriptionTellsCallersWhatEachProgramAccepts() {
        CatalogTool tools = new CommandTools(root, CommandAllowlist.defaults(), Duration.ofSeconds(1), 1024).executeCommand();

        assertThat(tools.tool().description()).contains("date: +FORMAT").contains("pwd: no arguments").contains("echo: any arguments");
    }

    @Test
    void anInvalidPatternOrAPathAsNameIsAConfigurationErrorNamingIt() {
        assertThatThrownBy(() -> AllowedProgram.withPatterns("git", List.of("status", "log("), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("program 'git'").hasMessageContaining("'log('");
        assertThatThrownBy(() -> AllowedProgram.withPatterns("../git", List.of("status"), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bare program name");
        assertThatThrownBy(() -> CommandAllowlist.of(List.of(CommandAllowlist.bare("git"), CommandAllowlist.bare("git"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed twice");
    }
}
