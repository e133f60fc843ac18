package dev.mcpauth.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A program {@code execute_command} may run and the argument vectors it accepts. An allowlist of program names is not
 * a sandbox ({@code date -f FILE} prints every line of FILE), so every argument must be accepted here, whatever its
 * position, or the call is refused before anything runs. What is accepted is a whitelist:
 * <ul>
 *   <li>an argument that full-matches one of {@code arguments}, or</li>
 *   <li>an argument exactly equal to one of the {@code optionValues} keys, whose value is the next argument and must
 *       full-match that key's pattern (so {@code -d @0} is accepted without accepting {@code @0} anywhere).</li>
 * </ul>
 * Anything else, including option abbreviations ({@code --fil=} for {@code --file}), combined short options and
 * {@code --}, is refused unless a pattern names it. Checking every argument makes GNU getopt's permutation (options
 * after operands) and {@code POSIXLY_CORRECT} irrelevant.
 */
public final class AllowedProgram {

    /** A bare program name: no path separator, no shell metacharacter, no leading dash or dot. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,63}");
    /** How much of a refused argument a message quotes back. */
    private static final int QUOTE_LIMIT = 64;

    private final String name;
    private final List<Pattern> arguments;
    private final Map<String, Pattern> optionValues;
    private final int maxArgs;
    private final String accepts;

    private AllowedProgram(String name, List<Pattern> arguments, Map<String, Pattern> optionValues, int maxArgs, String accepts) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("program '" + name + "' must be a bare program name (letters, digits, . _ + -), not a path");
        }
        if (maxArgs < 0 || maxArgs > CommandTools.MAX_ARGS) {
            throw new IllegalArgumentException("program '" + name + "': the most arguments must be between 0 and " + CommandTools.MAX_ARGS + ", got " + maxArgs);
        }
        this.name = name;
        this.arguments = List.copyOf(arguments);
        this.optionValues = Map.copyOf(optionValues);
        this.maxArgs = maxArgs;
        this.accepts = accepts;
    }

    /** A program that runs without arguments only: what a bare name means when no rule says otherwise (default-deny). */
    public static AllowedProgram noArguments(String name) {
        return new AllowedProgram(name, List.of(), Map.of(), 0, "no arguments");
    }

    /**
     * An operator's rule: each argument must full-match one of {@code regexes}, and there may be at most {@code maxArgs}.
     *
     * @throws IllegalArgumentException naming the pattern when one is not a valid regular expression
     */
    public static AllowedProgram withPatterns(String name, List<String> regexes, int maxArgs) {
        if (regexes.isEmpty()) {
            return noArguments(name);
        }
        List<Pattern> compiled = new ArrayList<>(regexes.size());
        for (String regex : regexes) {
            compiled.add(compile(name, regex));
        }
        return new AllowedProgram(name, compiled, Map.of(), maxArgs, "arguments each matching one of: " + String.join("  ", regexes));
    }

    /** A built-in rule ({@link DefaultPrograms}), with options that take the next argument as their value. */
    static AllowedProgram builtIn(String name, List<String> regexes, Map<String, String> optionValues, int maxArgs, String accepts) {
        List<Pattern> compiled = regexes.stream().map(r -> compile(name, r)).toList();
        Map<String, Pattern> values = new LinkedHashMap<>();
        optionValues.forEach((option, regex) -> values.put(option, compile(name, regex)));
        return new AllowedProgram(name, compiled, values, maxArgs, accepts);
    }

    private static Pattern compile(String program, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("program '" + program + "': argument pattern '" + regex + "' is not a valid regular expression: "
                    + e.getDescription());
        }
    }

    public String name() {
        return name;
    }

    /** What this program accepts, in words, for the tool description and refusals. */
    public String accepts() {
        return accepts;
    }

    /** Refuses the whole call, naming the first argument not accepted; nothing has run when this throws. */
    void check(List<String> args) throws BadArgument {
        if (args.size() > maxArgs) {
            throw refused(maxArgs, args.get(maxArgs), maxArgs == 0 ? "it takes no arguments" : "it takes at most " + maxArgs + " arguments");
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            Pattern value = optionValues.get(arg);
            if (value != null) {
                if (i + 1 == args.size()) {
                    throw refused(i, arg, "it needs a value after it");
                }
                if (!value.matcher(args.get(i + 1)).matches()) {
                    throw refused(i + 1, args.get(i + 1), "not an accepted value of " + arg);
                }
                i++;
            } else if (arguments.stream().noneMatch(p -> p.matcher(arg).matches())) {
                throw refused(i, arg, "not an accepted argument");
            }
        }
    }

    private BadArgument refused(int index, String arg, String why) {
        String quoted = arg.length() > QUOTE_LIMIT ? arg.substring(0, QUOTE_LIMIT) + "..." : arg;
        return new BadArgument("argument 'args[" + index + "]' ('" + quoted + "') is refused for program '" + name + "': " + why
                + "; it accepts " + accepts + ". Nothing was run.");
    }
}
