package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.ConfigSchema;
import dev.mcpauth.config.ConfigSources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Feeds picocli the defaults from the environment ({@code MCP_AUTH_*}), {@code .env} and {@code mcp-auth.yaml},
 * so a flag always wins and {@code --help} can show each option's variable name.
 */
public final class EnvDefaultProvider implements IDefaultValueProvider {

    private final Path explicitConfig;
    private final Map<String, String> environment;
    private volatile ConfigSources sources;
    private volatile ConfigSchema schema;
    private boolean tolerant;
    private volatile ConfigException loadFailure;

    private EnvDefaultProvider(Path explicitConfig, Map<String, String> environment) {
        this.explicitConfig = explicitConfig;
        this.environment = environment;
    }

    /** The provider for a command line: {@code --config FILE} is found before parsing, as it feeds the defaults. */
    static EnvDefaultProvider forArgs(List<String> args) {
        Path config = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--config") && i + 1 < args.size()) {
                config = Path.of(args.get(i + 1));
            } else if (a.startsWith("--config=")) {
                config = Path.of(a.substring("--config=".length()));
            }
        }
        return new EnvDefaultProvider(config, System.getenv());
    }

    /** The provider for a process whose environment is {@code environment} (tests: one variable at a time). */
    static EnvDefaultProvider forEnvironment(Map<String, String> environment) {
        return new EnvDefaultProvider(null, Map.copyOf(environment));
    }

    /**
     * The variable that feeds {@code option}, if any: {@code MCP_AUTH_} + its setting name. The one rule both this
     * provider and the help's "Env:" note ({@link GatewayHelp}) follow, so the help cannot name a variable that does
     * nothing or leave out one that works.
     */
    public static Optional<String> variableOf(OptionSpec option) {
        return SettingNames.setting(option.longestName()).map(ConfigSources::envName);
    }

    /**
     * For {@code doctor}: a configuration that cannot be read is one of its failed checks, not the end of the
     * command, so {@link #sources()} then answers with no sources and {@link #loadFailure()} says why.
     */
    EnvDefaultProvider tolerateLoadFailure() {
        this.tolerant = true;
        return this;
    }

    /** Why the sources could not be read (only when tolerated), else null. */
    ConfigException loadFailure() {
        sources();
        return loadFailure;
    }

    /** The known settings and variables: every command's options, serve's and authserver's in the config file. */
    ConfigSchema schema() {
        ConfigSchema s = schema;
        if (s == null) {
            s = SettingNames.schema();
            schema = s;
        }
        return s;
    }

    /** The sources, loaded and checked against {@link #schema()} once, on first use. */
    public ConfigSources sources() {
        ConfigSources s = sources;
        if (s == null) {
            try {
                s = ConfigSources.load(Path.of("").toAbsolutePath(), environment, explicitConfig, schema());
            } catch (ConfigException e) {
                if (!tolerant) {
                    throw e;
                }
                loadFailure = e;
                s = ConfigSources.none();
            }
            sources = s;
        }
        return s;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        return SettingNames.setting(option.longestName())
                .map(setting -> sources().lookup(setting).orElse(argSpec.defaultValue()))
                .orElse(null);
    }
}
