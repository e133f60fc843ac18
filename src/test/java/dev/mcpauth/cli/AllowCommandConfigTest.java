package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --allow-command PROGRAM[:REGEX]} and the {@code commands:} section of the config file, read by {@code serve}
 * and enforced by a real gateway over HTTP.
 */
class AllowCommandConfigTest {

    @TempDir
    Path dir;

    private GatewayConfig serve(String... extra) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--stateless", "--secret", TestGateway.SECRET,
                "--files-root", dir.toString()));
        args.addAll(List.of(extra));
        return Cli.serveConfig(args.toArray(String[]::new));
    }

    private GatewayConfig serveWithYaml(String yaml) throws Exception {
        Path file = dir.resolve("mcp-auth.yaml");
        Files.writeString(file, yaml);
        return serve("--config", file.toString());
    }

    private static JsonNode execute(TestGateway gateway, String argumentsJson) throws Exception {
        return TestGateway.message(gateway.send(gateway.post(gateway.token("execute:commands"),
                TestGateway.toolCall(2, "execute_command", argumentsJson))));
    }

    @Test
    void flagPatternAcceptsMatchingArgumentsAndRefusesOthersOverHttp() throws Exception {
        try (TestGateway gateway = TestGateway.start(serve("--allow-command", "printf:%s|[a-z]{1,8}"))) {
            JsonNode ok = execute(gateway, "{\"command\":\"printf\",\"args\":[\"%s\",\"hello\"]}");
            JsonNode refused = execute(gateway, "{\"command\":\"printf\",\"args\":[\"%s\",\"Hello\"]}");
            JsonNode date = execute(gateway, "{\"command\":\"date\"}");

            assertThat(ok.at("/result/isError").asBoolean()).as(ok.toString()).isFalse();
            assertThat(ok.at("/result/structuredContent/stdout").asText()).isEqualTo("hello");
            assertThat(refused.at("/result/isError").asBoolean()).isTrue();
            assertThat(refused.at("/result/content/0/text").asText()).contains("argument 'args[1]' ('Hello') is refused for program 'printf'");
            assertThat(date.at("/result/isError").asBoolean()).as("naming a program replaces the defaults: %s", date).isTrue();
            assertThat(date.at("/result/structuredContent").isMissingNode()).as("date did not run").isTrue();
        }
    }

    @Test
    void yamlCommandsSectionGivesPatternsAndAMaximumAndBareNamesRunWithoutArguments() throws Exception {
        GatewayConfig config = serveWithYaml("""
                commands:
                  printf:
                    args: ["%s", "[a-z]{1,8}"]
                    max-args: 2
                  whoami:
                  touch: []
                """);

        try (TestGateway gateway = TestGateway.start(config)) {
            assertThat(execute(gateway, "{\"command\":\"printf\",\"args\":[\"%s\",\"hi\"]}").at("/result/structuredContent/stdout").asText())
                    .isEqualTo("hi");
            assertThat(execute(gateway, "{\"command\":\"printf\",\"args\":[\"%s\",\"a\",\"b\"]}").at("/result/content/0/text").asText())
                    .contains("it takes at most 2 arguments");
            assertThat(execute(gateway, "{\"command\":\"touch\",\"args\":[\"x\"]}").at("/result/content/0/text").asText())
                    .contains("it takes no arguments");
            assertThat(execute(gateway, "{\"command\":\"whoami\"}").at("/result/isError").asBoolean()).isFalse();
        }
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void withoutAnyAllowCommandTheDefaultsKeepTheirSafeArgumentsOverHttp() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-LINE\n");
        try (TestGateway gateway = TestGateway.start(serve())) {
            JsonNode read = execute(gateway, "{\"command\":\"date\",\"args\":[\"-f\",\"secret.txt\"]}");

            assertThat(read.at("/result/isError").asBoolean()).isTrue();
            assertThat(read.toString()).doesNotContain("TOP-SECRET-LINE");
            assertThat(read.at("/result/content/0/text").asText()).contains("is refused for program 'date'");
        }
    }

    @Test
    void commaSeparatedNamesAndAnEmptyValueWork() {
        assertThat(serve("--allow-command", "date,uname").tools().commandAllowlist().names()).containsExactly("date", "uname");
        assertThat(serve("--allow-command", "date", "--allow-command", "git:status").tools().commandAllowlist().names())
                .containsExactly("date", "git");
        assertThat(serve("--allow-command", "").tools().commandAllowlist().isEmpty()).as("'' allows nothing").isTrue();
    }

    @Test
    void invalidRulesAreConfigurationErrorsNamingTheKey() {
        assertThatThrownBy(() -> serve("--allow-command", "git:log("))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--allow-command git").hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> serve("--allow-command", "/bin/sh"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--allow-command /bin/sh").hasMessageContaining("bare program name");
        assertThatThrownBy(() -> serve("--allow-command", "git:status,hg:log"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("its own --allow-command");
        assertThatThrownBy(() -> serve("--allow-command", "git", "--allow-command", "git:status"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'git' is allowed more than once");
    }

    @Test
    void invalidYamlEntriesAreConfigurationErrorsNamingTheKey() {
        assertThatThrownBy(() -> serveWithYaml("commands:\n  git: [\"status\", \"log(\"]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("commands.git").hasMessageContaining("'log('");
        // Keys and shapes are the config schema's (FileSections.SECTIONS), checked with the file's line and column.
        assertThatThrownBy(() -> serveWithYaml("commands:\n  git: {args: [status], max-arg: 3}\n"))
                .hasMessageContaining("mcp-auth.yaml:2:25: unknown key 'max-arg' in commands.git; did you mean 'max-args'?");
        assertThatThrownBy(() -> serveWithYaml("commands:\n  git: {args: [status], max-args: 65}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("commands.git");
        assertThatThrownBy(() -> serveWithYaml("commands:\n  git: {args: [status, 3]}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("commands.git.args[1] must be a string");
        assertThatThrownBy(() -> serveWithYaml("commands: [git]\n"))
                .hasMessageContaining("mcp-auth.yaml:1:1: 'commands' must map program names to values");
    }
}
