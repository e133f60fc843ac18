package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigSchema;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The settings the configuration sources may name, read from the commands' {@code @Option} annotations (through
 * mixins and subcommands), so the schema of known keys is the options and nothing else. Read from the annotations
 * directly: building picocli's model of every command would cost each start tens of milliseconds.
 */
final class SettingNames {

    /** The commands whose options are the config file's top-level settings. */
    private static final Class<?>[] FILE_COMMANDS = {ServeCommand.class, AuthServerCommand.class};
    /**
     * Variables read directly, not through an option: by the program, and by the launcher ({@code dist/mcp-auth}: which
     * jar, the AOT cache, extra JVM flags), which passes its environment on, so naming them is no typo.
     */
    static final Set<String> EXTRA_VARIABLES = Set.of("MCP_AUTH_TOKEN", "MCP_AUTH_LOG_LEVEL", "MCP_AUTH_ACCESS_LOG_LEVEL",
            "MCP_AUTH_JAR", "MCP_AUTH_AOT", "MCP_AUTH_AOT_CACHE", "MCP_AUTH_JAVA_OPTS");
    /** Options no source may set. */
    private static final Set<String> NOT_SETTINGS = Set.of("help", "version");

    private SettingNames() {
    }

    /**
     * The setting an option's longest name stands for ({@code --jwks-uri}: {@code jwks-uri}, variable
     * {@code MCP_AUTH_JWKS_URI}), if any: long options only, and not {@code --help} or {@code --version}.
     */
    static Optional<String> setting(String longestName) {
        String setting = longestName.replaceFirst("^--", "");
        return longestName.startsWith("--") && !NOT_SETTINGS.contains(setting) ? Optional.of(setting) : Optional.empty();
    }

    /** The schema: serve's and authserver's options in the file, every command's options in the environment. */
    static ConfigSchema schema(Collection<Class<?>> allCommands) {
        Map<String, Boolean> file = new LinkedHashMap<>();
        for (Class<?> command : FILE_COMMANDS) {
            collect(command, file);
        }
        Map<String, Boolean> all = new LinkedHashMap<>(file);
        allCommands.forEach(command -> collect(command, all));
        return ConfigSchema.of(file, new TreeSet<>(all.keySet()), EXTRA_VARIABLES);
    }

    /** Each long option of {@code type} (without dashes) to whether it takes several values. */
    private static void collect(Class<?> type, Map<String, Boolean> settings) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Option option = field.getAnnotation(Option.class);
                if (option != null) {
                    String longest = "";
                    for (String name : option.names()) {
                        longest = name.length() > longest.length() ? name : longest;
                    }
                    boolean multi = Collection.class.isAssignableFrom(field.getType()) || field.getType().isArray();
                    setting(longest).ifPresent(setting -> settings.merge(setting, multi, Boolean::logicalOr));
                }
                if (field.getAnnotation(Mixin.class) != null) {
                    collect(field.getType(), settings);
                }
            }
        }
        Command command = type.getAnnotation(Command.class);
        if (command != null) {
            for (Class<?> sub : command.subcommands()) {
                collect(sub, settings);
            }
        }
    }
}
