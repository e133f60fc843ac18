package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * With {@code policy: {toolz: {add_numbers: admin}}} every tool would be open to any valid token: {@code serve} refuses
 * to start (exit 2, one line naming file, line, column and the nearest key) and {@code doctor} reports a FAIL.
 */
class ConfigKeysCliTest {

    private static final String SECRET = "a-shared-secret-of-at-least-thirty-two-bytes";
    private static final String MISSPELT = "policy:\n  toolz:\n    add_numbers: admin\n";

    @TempDir
    Path dir;


    private static String withoutWarnings(String stderr) {
        return stderr.lines().filter(l -> !l.startsWith("mcp-auth: warning: ")).collect(Collectors.joining("\n"));
    }

    @Test
    void serveRefusesAMisspeltPolicyKeyWithOneLineAndExitCode2() throws Exception {
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"), MISSPELT);

        Cli.Result run = Cli.main("serve", "--config", config.toString(), "--secret", SECRET, "--port", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(withoutWarnings(run.err())).isEqualTo("mcp-auth: " + config + ":2:3: unknown key 'toolz' in policy; did you mean 'tools'?"
                + " (policy takes: default-scopes, implies, rate-limits, tools)");
    }

    @Test
    void doctorFailsOnAMisspeltPolicyKey() throws Exception {
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"), MISSPELT);

        Cli.Result run = Cli.main("doctor", "--config", config.toString(), "--secret", SECRET, "--port", "0");

        assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.out()).contains("FAIL").contains("config").contains("unknown key 'toolz' in policy; did you mean 'tools'?")
                .doesNotContain("PASS");
    }

    @Test
    void everyOptionOfServeAndAuthserverIsAKnownConfigFileSetting() throws Exception {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Class<?> command : new Class<?>[] {ServeCommand.class, AuthServerCommand.class}) {
            for (OptionSpec option : CommandLine.Model.CommandSpec.forAnnotatedObject(command).options()) {
                String name = option.longestName().replaceFirst("^--", "");
                if (!name.equals("help") && !name.equals("version") && option.longestName().startsWith("--")) {
                    names.add(name);
                }
            }
        }
        Files.writeString(dir.resolve("mcp-auth.yaml"), names.stream().map(n -> n + ": ~\n").collect(Collectors.joining()));

        ConfigSources.load(dir, Map.of(), null, SettingNames.schema(Main.SUBCOMMANDS.values()));
    }

    @Test
    void theSettingsListTheBuildWroteIsWhatTheAnnotationsSay() {
        // A start reads the list the build wrote (SettingNames.BUILT_LIST), not the annotations: a stale list would
        // warn about a new option's variable, or let a removed one pass as known.
        assertThat(SettingNames.builtList()).as("target/classes/dev/mcpauth/cli/settings.tsv (mvn process-classes)")
                .isEqualTo(SettingNames.lines(Main.SUBCOMMANDS.values()));
    }

    @Test
    void everyCommandsOptionIsAKnownVariableSoOnlyTyposAreWarned() {
        var schema = SettingNames.schema();
        List<CommandLine> commands = new ArrayList<>(Main.commandTree().getSubcommands().values());
        for (int i = 0; i < commands.size(); i++) {
            commands.addAll(commands.get(i).getSubcommands().values());
            commands.get(i).getCommandSpec().options().forEach(o -> assertKnown(schema, o));
        }
        assertThat(commands).as("token mint, keys show: the groups' commands are checked too")
                .anyMatch(c -> c.getCommandSpec().qualifiedName().equals("mcp-auth token mint"))
                .anyMatch(c -> c.getCommandSpec().qualifiedName().equals("mcp-auth keys show"));
        assertThat(ConfigSources.unknownVariables(Map.of("MCP_AUTH_TOKEN", "t", "MCP_AUTH_RESOURCE", "r", "MCP_AUTH_ISUER", "x"), schema))
                .containsExactly("environment variable MCP_AUTH_ISUER is not a setting of mcp-auth and is ignored; did you mean MCP_AUTH_ISSUER?");
    }

    @Test
    void theLaunchersOwnVariablesAreNoTypos() {
        // dist/mcp-auth reads these and passes its environment on; a warning about them on every start was noise.
        var schema = SettingNames.schema(Main.SUBCOMMANDS.values());
        assertThat(ConfigSources.unknownVariables(Map.of("MCP_AUTH_JAR", "x.jar", "MCP_AUTH_AOT", "off", "MCP_AUTH_AOT_CACHE", "c.aot",
                "MCP_AUTH_JAVA_OPTS", "-Xmx1g", "MCP_AUTH_JARR", "y"), schema))
                .containsExactly("environment variable MCP_AUTH_JARR is not a setting of mcp-auth and is ignored; did you mean MCP_AUTH_JAR?");
    }

    private static void assertKnown(dev.mcpauth.config.ConfigSchema schema, OptionSpec option) {
        String name = option.longestName();
        if (name.startsWith("--") && !name.equals("--help") && !name.equals("--version")) {
            assertThat(schema.variables()).contains(ConfigSources.envName(name.substring(2)));
        }
    }
}
