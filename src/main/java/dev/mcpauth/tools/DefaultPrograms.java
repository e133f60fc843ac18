package dev.mcpauth.tools;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The programs {@code execute_command} runs when the operator names none, each with a fixed safe set of arguments:
 * no option that reads, writes or executes a file, sets the clock, or changes anything (reviewed against GTFOBins and
 * GNU coreutils 9 option lists). Named bare in the operator's allowlist, a default program keeps this rule.
 */
final class DefaultPrograms {

    private static final String EPOCH = "@-?[0-9]{1,12}";
    private static final String ISO_PRECISION = "date|hours|minutes|seconds|ns";

    /** {@code date} without {@code -f/--file} (reads a file, GTFOBins), {@code -r/--reference} (stats a file),
     *  {@code -s/--set} and MMDDhhmm operands (set the clock as root), and free {@code -d} strings (a {@code TZ="..."}
     *  inside one loads a file). A {@code -d} value is an epoch second only. */
    static final AllowedProgram DATE = AllowedProgram.builtIn("date",
            List.of("(?s)\\+.*", "-u", "--utc", "--universal", "-R", "--rfc-email",
                    "-I(" + ISO_PRECISION + ")?", "--iso-8601(=(" + ISO_PRECISION + "))?", "--rfc-3339=(date|seconds|ns)",
                    "--date=" + EPOCH),
            Map.of("-d", EPOCH, "--date", EPOCH), 6,
            "+FORMAT, -u/--utc, -R, -I[PRECISION]/--iso-8601[=PRECISION], --rfc-3339=PRECISION, -d/--date @EPOCH_SECONDS");

    /** {@code echo} (the coreutils binary, never a shell builtin): every argument is data to print. */
    static final AllowedProgram ECHO = AllowedProgram.builtIn("echo", List.of("(?s).*"), Map.of(), CommandTools.MAX_ARGS,
            "any arguments (printed as given)");

    /** {@code uname}: its flags only, none of which takes a value, so combined letters ({@code -sr}) are safe too. */
    static final AllowedProgram UNAME = AllowedProgram.builtIn("uname",
            List.of("-[asnrvmpio]+", "--(all|kernel-name|nodename|kernel-release|kernel-version|machine|processor"
                    + "|hardware-platform|operating-system)"),
            Map.of(), 10, "its flags -a -s -n -r -v -m -p -i -o (combined or alone) and their long forms");

    static final AllowedProgram WHOAMI = AllowedProgram.noArguments("whoami");
    /** {@code pwd} without {@code -L}, which would print the PWD variable instead of the working directory. */
    static final AllowedProgram PWD = AllowedProgram.noArguments("pwd");

    static final List<AllowedProgram> ALL = List.of(DATE, ECHO, PWD, UNAME, WHOAMI);

    private DefaultPrograms() {
    }

    /** The built-in rule of a default program, if {@code name} is one. */
    static Optional<AllowedProgram> named(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
