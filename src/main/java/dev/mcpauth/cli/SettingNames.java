package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The settings the configuration sources may name, read from the commands' {@code @Option} annotations (through
 * mixins and subcommands), so the schema of known keys is the options and nothing else. Read from the annotations
 * directly: building picocli's model of every command would cost each start tens of milliseconds.
 *
 * <p>Even reading the annotations of every command's fields took a stdio start ~35 ms (the JDK parses every annotation
 * of a field and generates a proxy class per annotation type at run time), while the answer is fixed when the code is
 * compiled. So the build runs {@link #main} after compiling and puts the list in the jar as {@value #BUILT_LIST}; a
 * start reads those ~200 lines instead. Where the list is missing (classes compiled by an IDE) the annotations are read
 * as before, and {@code SettingNamesTest} checks that the built list is what the annotations say.
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

    /** The list the build writes next to this class: one line a setting, {@code file|env <name> <multi>}. */
    static final String BUILT_LIST = "settings.tsv";

    /** The schema of every command: from the list the build wrote, else from the annotations. */
    static ConfigSchema schema() {
        List<String> lines = builtList();
        return lines != null ? fromLines(lines) : schema(Main.SUBCOMMANDS.values());
    }

    /** The schema: serve's and authserver's options in the file, every command's options in the environment. */
    static ConfigSchema schema(Collection<Class<?>> allCommands) {
        return fromLines(lines(allCommands));
    }

    /** The settings of {@code allCommands} as the lines of {@value #BUILT_LIST}, file settings first. */
    static List<String> lines(Collection<Class<?>> allCommands) {
        Map<String, Boolean> file = new LinkedHashMap<>();
        for (Class<?> command : FILE_COMMANDS) {
            collect(command, file);
        }
        Map<String, Boolean> all = new LinkedHashMap<>(file);
        allCommands.forEach(command -> collect(command, all));
        List<String> lines = new ArrayList<>();
        file.forEach((name, multi) -> lines.add("file " + name + " " + multi));
        new TreeSet<>(all.keySet()).forEach(name -> {
            if (!file.containsKey(name)) {
                lines.add("env " + name + " " + all.get(name));
            }
        });
        return lines;
    }

    private static ConfigSchema fromLines(List<String> lines) {
        Map<String, Boolean> file = new LinkedHashMap<>();
        Set<String> all = new TreeSet<>();
        for (String line : lines) {
            String[] fields = line.split(" ");
            if (fields[0].equals("file")) {
                file.put(fields[1], Boolean.parseBoolean(fields[2]));
            }
            all.add(fields[1]);
        }
        return ConfigSchema.of(file, all, EXTRA_VARIABLES);
    }

    /** The lines of the built list, or null when this build has none. */
    static List<String> builtList() {
        try (InputStream in = SettingNames.class.getResourceAsStream(BUILT_LIST)) {
            if (in == null) {
                return null;
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The build's step after compiling (pom.xml, {@code settings-list}): writes the list to the path given. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.getParent());
        Files.write(out, lines(Main.SUBCOMMANDS.values()), StandardCharsets.UTF_8);
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
        for (Class<?> member : Main.GROUP_MEMBERS.getOrDefault(type, Map.of()).values()) {
            collect(member, settings);
        }
    }
}
