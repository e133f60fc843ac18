package dev.mcpauth.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    /**
     * The sources of a process: its environment, {@code ./.env}, and the config file named by
     * {@code explicitConfig}, else {@code MCP_AUTH_CONFIG}, else {@code ./mcp-auth.yaml} when it exists.
     */
    public static ConfigSources load(Path workingDir, Map<String, String> environment, Path explicitConfig) {
        Map<String, String> dotEnv = readDotEnv(workingDir.resolve(".env"));
        Path config = explicitConfig;
        if (config == null) {
            String named = environment.getOrDefault(envName("config"), dotEnv.get(envName("config")));
            if (named != null && !named.isBlank()) {
                config = workingDir.resolve(named);
            } else if (Files.isRegularFile(workingDir.resolve(DEFAULT_CONFIG_FILE))) {
                config = workingDir.resolve(DEFAULT_CONFIG_FILE);
            }
        }
        return new ConfigSources(environment, dotEnv, config == null ? null : readYaml(config), config);
    }

    public static String envName(String setting) {
        return ENV_PREFIX + setting.replace('-', '_').toUpperCase(Locale.ROOT);
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

    /** A structured section of the config file (e.g. {@code policy}, {@code upstreams}), if present. */
    public Optional<JsonNode> section(String name) {
        return configFile == null ? Optional.empty() : Optional.ofNullable(configFile.get(name));
    }

    public Optional<Path> configPath() {
        return Optional.ofNullable(configPath);
    }

    static Map<String, String> readDotEnv(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("export ")) {
                    line = line.substring(7).strip();
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String value = line.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(line.substring(0, eq).strip(), value);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        return values;
    }

    static JsonNode readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        try {
            JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return new ObjectMapper().createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException("config file " + file + " must be a mapping of settings at the top level");
            }
            return node;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException("config file " + file + " is not valid YAML: " + msg);
        }
    }
}
