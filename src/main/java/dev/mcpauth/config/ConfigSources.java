package dev.mcpauth.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where settings come from, below command-line flags, highest first: the environment ({@code MCP_AUTH_*}),
 * a {@code .env} file in the working directory, the config file ({@code mcp-auth.yaml}), then defaults.
 * A setting named {@code jwks-uri} is {@code MCP_AUTH_JWKS_URI} in the environment and {@code .env}, and
 * {@code jwks-uri:} at the top level of the config file.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "MCP_AUTH_";
    public static final String DEFAULT_CONFIG_FILE = "mcp-auth.yaml";

    private final Map<String, String> environment;
    private final Map<String, String> dotEnv;
    private final JsonNode configFile;
    private final Path configPath;

    public ConfigSources(Map<String, String> environment, Map<String, String> dotEnv, JsonNode configFile, Path configPath) {
        this.environment = Map.copyOf(environment);
        this.dotEnv = Map.copyOf(dotEnv);
        this.configFile = configFile;
        this.configPath = configPath;
    }

    /** No sources at all: every setting takes its flag or default. */
    public static ConfigSources none() {
        return new ConfigSources(Map.of(), Map.of(), null, null);
    }

    /** The sources of a process, unchecked: for tests of the sources alone (the CLI always passes its schema). */
    public static ConfigSources load(Path workingDir, Map<String, String> environment, Path explicitConfig) {
        return load(workingDir, environment, explicitConfig, ConfigSchema.UNCHECKED);
    }

    /**
     * The sources of a process: its environment, {@code ./.env}, and the config file named by
     * {@code explicitConfig}, else {@code MCP_AUTH_CONFIG}, else {@code ./mcp-auth.yaml} when it exists. Both files
     * are checked against {@code schema}: an unknown key or a line that is not a setting is a {@link ConfigException}
     * naming the file, line and the nearest valid key.
     */
    public static ConfigSources load(Path workingDir, Map<String, String> environment, Path explicitConfig, ConfigSchema schema) {
        Map<String, String> dotEnv = ConfigFiles.readDotEnv(workingDir.resolve(".env"), schema);
        Path config = explicitConfig;
        if (config == null) {
            String named = environment.getOrDefault(envName("config"), dotEnv.get(envName("config")));
            if (named != null && !named.isBlank()) {
                config = workingDir.resolve(named);
            } else if (Files.isRegularFile(workingDir.resolve(DEFAULT_CONFIG_FILE))) {
                config = workingDir.resolve(DEFAULT_CONFIG_FILE);
            }
        }
        return new ConfigSources(environment, dotEnv, config == null ? null : ConfigFiles.readYaml(config, schema), config);
    }

    /**
     * One line per {@code MCP_AUTH_*} environment variable no setting reads, naming the nearest one: a warning, not
     * an error, as the environment is shared with other programs and other versions of this one.
     */
    public static java.util.List<String> unknownVariables(Map<String, String> environment, ConfigSchema schema) {
        if (!schema.checked()) {
            return java.util.List.of();
        }
        return environment.keySet().stream().filter(name -> name.startsWith(ENV_PREFIX) && !schema.variables().contains(name)).sorted()
                .map(name -> "environment variable " + name + " is not a setting of mcp-auth and is ignored"
                        + Suggestions.nearest(name, schema.variables()).map(n -> "; did you mean " + n + "?").orElse(""))
                .toList();
    }

    public static String envName(String setting) {
        return ENV_PREFIX + setting.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** Where {@link #lookup} finds {@code setting}, in the user's words ("environment variable MCP_AUTH_PORT"), if anywhere. */
    public Optional<String> sourceOf(String setting) {
        String env = envName(setting);
        if (environment.containsKey(env)) {
            return Optional.of("environment variable " + env);
        }
        if (dotEnv.containsKey(env)) {
            return Optional.of(env + " in .env");
        }
        if (configFile != null && configFile.get(setting) != null && !configFile.get(setting).isNull()) {
            return Optional.of("key '" + setting + "' in " + (configPath == null ? "mcp-auth.yaml" : configPath.toString()));
        }
        return Optional.empty();
    }

    /** The value of a scalar setting from the first source that has it. */
    public Optional<String> lookup(String setting) {
        String env = envName(setting);
        if (environment.containsKey(env)) {
            return Optional.of(environment.get(env));
        }
        if (dotEnv.containsKey(env)) {
            return Optional.of(dotEnv.get(env));
        }
        if (configFile != null) {
            JsonNode node = configFile.get(setting);
            if (node != null && !node.isNull()) {
                if (node.isArray()) {
                    StringBuilder joined = new StringBuilder();
                    node.forEach(n -> joined.append(joined.isEmpty() ? "" : ",").append(n.asText()));
                    return Optional.of(joined.toString());
                }
                if (node.isValueNode()) {
                    return Optional.of(node.asText());
                }
            }
        }
        return Optional.empty();
    }

    /** An environment variable by its full name, from the environment, else {@code .env} (for {@code env:NAME} secrets). */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(environment.getOrDefault(name, dotEnv.get(name)));
    }

    /** A structured section of the config file (e.g. {@code policy}, {@code upstreams}), if present. */
    public Optional<JsonNode> section(String name) {
        return configFile == null ? Optional.empty() : Optional.ofNullable(configFile.get(name));
    }

    public Optional<Path> configPath() {
        return Optional.ofNullable(configPath);
    }

}
