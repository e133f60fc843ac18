package dev.mcpauth.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the two configuration files strictly: {@code .env} (one {@code NAME=value} a line) and {@code mcp-auth.yaml}
 * (checked against the {@link ConfigSchema}, every error located by file, line and column from Jackson's parser).
 */
final class ConfigFiles {

    /** A shell variable name, as dotenv tools and {@code export} accept it. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ConfigFiles() {
    }

    /**
     * {@code NAME=value} lines, optionally after {@code export}, values optionally quoted; blank lines and {@code #}
     * comments skipped. Any other line is an error naming its line, and so is an {@code MCP_AUTH_*} name no setting
     * has (other names belong to other programs sharing the file and are kept but never read).
     */
    static Map<String, String> readDotEnv(Path file, ConfigSchema schema) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String where = file + ":" + (i + 1);
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq <= 0 || !NAME.matcher(name).matches()) {
                // The line itself is not echoed: it may hold a secret.
                throw new ConfigException(where + ": not a setting: expected NAME=value (e.g. MCP_AUTH_PORT=8001)");
            }
            if (schema.checked() && name.startsWith(ConfigSources.ENV_PREFIX) && !schema.variables().contains(name)) {
                throw new ConfigException(where + ": unknown setting " + name
                        + Suggestions.nearest(name, schema.variables()).map(n -> "; did you mean " + n + "?").orElse("")
                        + " (settings are MCP_AUTH_ and the long option of 'mcp-auth serve' in upper case, '-' as '_')");
            }
            values.put(name, unquote(where, line.substring(eq + 1).strip()));
        }
        return values;
    }

    private static String unquote(String where, String value) {
        if (value.startsWith("\"") || value.startsWith("'")) {
            char quote = value.charAt(0);
            if (value.length() < 2 || value.charAt(value.length() - 1) != quote) {
                throw new ConfigException(where + ": the value opens a " + quote + " quote that does not close on this line");
            }
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** The config file as a tree, after the schema accepted every key and value in it. */
    static JsonNode readYaml(Path file, ConfigSchema schema) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        YAMLFactory yaml = new YAMLFactory();
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode node = new ObjectMapper(yaml).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(bytes);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return new ObjectMapper().createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(file + ": must be a mapping of settings at the top level (e.g. 'port: 8001')");
            }
            if (schema.checked()) {
                Map<String, JsonLocation> locations = locations(yaml, bytes);
                schema.check(node, pointer -> file + at(locations.get(pointer.toString())));
            }
            return node;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new ConfigException(file + at(e.getLocation()) + ": not valid YAML: " + message);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** Where each key and value starts, by JSON pointer, from the parser's token locations. */
    private static Map<String, JsonLocation> locations(YAMLFactory yaml, byte[] bytes) throws IOException {
        Map<String, JsonLocation> locations = new HashMap<>();
        try (JsonParser parser = yaml.createParser(bytes)) {
            while (parser.nextToken() != null) {
                JsonPointer pointer = parser.getParsingContext().pathAsPointer();
                locations.putIfAbsent(pointer.toString(), parser.currentTokenLocation());
            }
        }
        return locations;
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : ":" + location.getLineNr() + ":" + location.getColumnNr();
    }
}
