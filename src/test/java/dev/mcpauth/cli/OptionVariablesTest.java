package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The "Env: MCP_AUTH_..." note of {@code --help} is the variable that really feeds the option: shown for every option a
 * variable feeds, for none other, and setting that variable changes the option's value when the command is parsed
 * through the real default-value provider.
 */
class OptionVariablesTest {

    private static final Pattern NOTE = Pattern.compile("Env: (MCP_AUTH_[A-Z0-9_]+)\\.");
    /** Values tried in turn until the option takes one: its converter decides which fits. */
    private static final List<String> CANDIDATES = List.of("7", "7s", "http://127.0.0.1:7/x", "a:b:c", "a=b", "echo");

    @Test
    void everyOptionAVariableFeedsShowsThatVariableAndNoOtherOptionShowsOne(@TempDir Path dir) throws Exception {
        // --config names a file that must exist and parse.
        String file = Files.writeString(dir.resolve("mcp-auth.yaml"), "port: 8001\n").toString();
        int checked = 0;
        for (CommandLine command : commands()) {
            CommandSpec spec = command.getCommandSpec();
            List<String> shown = new ArrayList<>();
            Matcher m = NOTE.matcher(command.getUsageMessage(Ansi.OFF).replaceAll("\\s+", " "));
            while (m.find()) {
                shown.add(m.group(1));
            }
            List<String> feeding = new ArrayList<>();
            for (OptionSpec option : spec.options()) {
                if (!option.hidden()) {
                    EnvDefaultProvider.variableOf(option).ifPresent(feeding::add);
                }
            }
            assertThat(shown).as(spec.qualifiedName() + " --help names each option's variable once").containsExactlyInAnyOrderElementsOf(feeding);
            for (OptionSpec option : spec.options()) {
                if (!option.hidden() && EnvDefaultProvider.variableOf(option).isPresent()) {
                    assertVariableFeeds(spec, option, EnvDefaultProvider.variableOf(option).orElseThrow(), file);
                    checked++;
                }
            }
        }
        assertThat(checked).as("options checked").isGreaterThan(100);
    }

    @Test
    void helpAndVersionHaveNoVariable() {
        for (CommandLine command : commands()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    assertThat(EnvDefaultProvider.variableOf(option)).as(option.longestName()).isEmpty();
                }
            }
        }
    }

    /** Parses the command with only {@code variable} set and finds the option's value changed from the unset parse. */
    private static void assertVariableFeeds(CommandSpec spec, OptionSpec option, String variable, String file) {
        Object unset;
        try {
            unset = valueOf(spec, option, Map.of());
        } catch (CommandLine.MissingParameterException e) {
            unset = null; // a required option: without the variable the command line lacks it
        }
        List<String> tried = new ArrayList<>();
        List<String> candidates = new ArrayList<>(CANDIDATES);
        candidates.add(file);
        for (String candidate : option.typeInfo().isBoolean() ? List.of("true") : candidates) {
            try {
                Object set = valueOf(spec, option, Map.of(variable, candidate));
                if (!Objects.equals(set, unset)) {
                    return;
                }
                tried.add(candidate + " -> unchanged " + set);
            } catch (RuntimeException e) {
                tried.add(candidate + " -> " + e.getMessage());
            }
        }
        throw new AssertionError(spec.qualifiedName() + " " + option.longestName() + ": " + variable
                + " is shown in --help but setting it does not change the option: " + tried);
    }

    private static Object valueOf(CommandSpec spec, OptionSpec option, Map<String, String> environment) {
        List<String> path = new ArrayList<>();
        for (CommandSpec at = spec; at.parent() != null; at = at.parent()) {
            path.addFirst(at.name());
        }
        CommandLine cli = Main.commandLine(EnvDefaultProvider.forEnvironment(environment), path.getFirst());
        CommandLine target = cli;
        for (String name : path) {
            target = target.getSubcommands().get(name);
        }
        List<String> args = new ArrayList<>(path);
        for (PositionalParamSpec positional : target.getCommandSpec().positionalParameters()) {
            if (positional.arity().min > 0) {
                args.add("x");
            }
        }
        for (OptionSpec other : target.getCommandSpec().options()) {
            if (other.required() && !other.longestName().equals(option.longestName())) {
                args.add(other.longestName() + "=x");
            }
        }
        cli.parseArgs(args.toArray(String[]::new));
        return target.getCommandSpec().findOption(option.longestName()).getValue();
    }

    /** Every command with a help page, parents first (the documented tree). */
    static List<CommandLine> commands() {
        return dev.mcpauth.docs.Docs.commands();
    }
}
