package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.tools.AllowedProgram;
import dev.mcpauth.tools.CommandAllowlist;
import dev.mcpauth.tools.CommandTools;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The programs {@code execute_command} may run, from {@code --allow-command} and the {@code commands:} section of
 * {@code mcp-auth.yaml}; the defaults apply only when neither names any.
 * <pre>
 * --allow-command echo,date                  # bare names: a default program keeps its safe arguments,
 *                                            # any other program runs WITHOUT arguments
 * --allow-command 'git:status|log|--oneline' # PROGRAM:REGEX, each argument must full-match REGEX; the pattern runs
 *                                            # to the end of the value, so give each patterned program its own flag
 * commands:
 *   whoami:                                  # bare, as above
 *   git: ["status", "log", "--oneline", "-n", "[0-9]{1,3}"]   # each argument full-matches one of these
 *   grep:
 *     args: ["-F", "-c", "[A-Za-z0-9 ]{1,64}"]
 *     max-args: 3                            # at most this many arguments (default and ceiling: 64)
 * </pre>
 */
final class AllowCommandArgument {

    static final String FLAG = "--allow-command";
    static final String SECTION = "commands";
    /** The keys a program's structured entry under {@code commands:} may have. */
    static final Set<String> ENTRY_KEYS = Set.of("args", "max-args");
    /** A comma and a program name with a colon, inside a pattern: most likely two entries joined by a list. */
    private static final Pattern JOINED_ENTRY = Pattern.compile(".*,\\s*[A-Za-z0-9_][A-Za-z0-9._+-]*:.*", Pattern.DOTALL);

    private AllowCommandArgument() {
    }

    /**
     * @param flagValues the {@code --allow-command} values (null when neither the flag, the environment nor the config
     *                   file gives one)
     * @param commands   the {@code commands:} section, or null
     */
    static CommandAllowlist parse(List<String> flagValues, JsonNode commands) {
        if (flagValues == null && (commands == null || commands.isNull())) {
            return CommandAllowlist.defaults();
        }
        Map<String, AllowedProgram> programs = new LinkedHashMap<>();
        for (String value : flagValues == null ? List.<String>of() : flagValues) {
            for (AllowedProgram program : fromFlag(value)) {
                add(programs, program, FLAG);
            }
        }
        if (commands != null && !commands.isNull()) {
            if (!commands.isObject()) {
                throw new ConfigException(SECTION + " in the config file must map program names to argument patterns");
            }
            for (Map.Entry<String, JsonNode> e : commands.properties()) {
                add(programs, fromSection(e.getKey(), e.getValue()), SECTION + "." + e.getKey());
            }
        }
        return CommandAllowlist.of(programs.values());
    }

    /** One flag value: comma-separated entries, the last of which may carry {@code :REGEX}. */
    private static List<AllowedProgram> fromFlag(String value) {
        List<AllowedProgram> programs = new ArrayList<>();
        String rest = value;
        while (!rest.isBlank()) {
            int comma = rest.indexOf(',');
            int colon = rest.indexOf(':');
            if (colon >= 0 && (comma < 0 || colon < comma)) {
                String name = rest.substring(0, colon).strip();
                String pattern = rest.substring(colon + 1);
                if (JOINED_ENTRY.matcher(pattern).matches()) {
                    throw new ConfigException(FLAG + " " + name + ": the pattern '" + pattern + "' seems to hold another program's entry; "
                            + "give each program with a pattern its own " + FLAG + " (a pattern runs to the end of the value), "
                            + "or use the " + SECTION + ": section of the config file");
                }
                programs.add(build(FLAG + " " + name, () -> AllowedProgram.withPatterns(name, List.of(pattern), CommandTools.MAX_ARGS)));
                break;
            }
            String name = (comma < 0 ? rest : rest.substring(0, comma)).strip();
            if (!name.isEmpty()) {
                programs.add(build(FLAG + " " + name, () -> CommandAllowlist.bare(name)));
            }
            rest = comma < 0 ? "" : rest.substring(comma + 1);
        }
        return programs;
    }

    /** One entry of {@code commands:}: null (bare), a pattern, a list of patterns, or {args, max-args}. */
    private static AllowedProgram fromSection(String name, JsonNode entry) {
        String where = SECTION + "." + name;
        if (entry == null || entry.isNull()) {
            return build(where, () -> CommandAllowlist.bare(name));
        }
        if (entry.isTextual() || entry.isArray()) {
            List<String> patterns = patterns(where, entry);
            return build(where, () -> AllowedProgram.withPatterns(name, patterns, CommandTools.MAX_ARGS));
        }
        if (!entry.isObject()) {
            throw new ConfigException(where + " must be a list of argument patterns or {args: [...], max-args: N}");
        }
        for (Map.Entry<String, JsonNode> key : entry.properties()) {
            if (!ENTRY_KEYS.contains(key.getKey())) {
                throw new ConfigException(where + "." + key.getKey() + " is not a setting; expected args or max-args");
            }
        }
        List<String> patterns = entry.has("args") ? patterns(where + ".args", entry.get("args")) : List.of();
        JsonNode max = entry.get("max-args");
        if (max != null && !(max.canConvertToInt() && max.isIntegralNumber())) {
            throw new ConfigException(where + ".max-args must be a whole number from 0 to " + CommandTools.MAX_ARGS);
        }
        int maxArgs = max == null ? CommandTools.MAX_ARGS : max.intValue();
        return build(where, () -> AllowedProgram.withPatterns(name, patterns, maxArgs));
    }

    private static List<String> patterns(String where, JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new ConfigException(where + " must be a pattern or a list of patterns");
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw new ConfigException(where + "[" + i + "] must be a string (a regular expression)");
            }
            patterns.add(node.get(i).asText());
        }
        return patterns;
    }

    /** Builds a rule, turning a bad name or pattern into a configuration error naming where it was given. */
    private static AllowedProgram build(String where, Supplier<AllowedProgram> rule) {
        try {
            return rule.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static void add(Map<String, AllowedProgram> programs, AllowedProgram program, String where) {
        if (programs.putIfAbsent(program.name(), program) != null) {
            throw new ConfigException(where + ": program '" + program.name() + "' is allowed more than once; "
                    + "name it once, with all its argument patterns");
        }
    }
}
