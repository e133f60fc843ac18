package dev.mcpauth.tools;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The programs {@code execute_command} may run, each with the arguments it accepts; empty leaves the tool out. */
public final class CommandAllowlist {

    private final Map<String, AllowedProgram> programs;

    private CommandAllowlist(Map<String, AllowedProgram> programs) {
        this.programs = Collections.unmodifiableMap(new TreeMap<>(programs)); // sorted, for stable descriptions
    }

    /** echo, date, uname, whoami and pwd, each with its fixed safe arguments ({@link DefaultPrograms}). */
    public static CommandAllowlist defaults() {
        return of(DefaultPrograms.ALL);
    }

    public static CommandAllowlist none() {
        return new CommandAllowlist(Map.of());
    }

    /** Programs with their rules; a name given twice is an error. */
    public static CommandAllowlist of(Collection<AllowedProgram> programs) {
        Map<String, AllowedProgram> byName = new TreeMap<>();
        for (AllowedProgram program : programs) {
            if (byName.put(program.name(), program) != null) {
                throw new IllegalArgumentException("program '" + program.name() + "' is allowed twice; give its argument patterns once");
            }
        }
        return new CommandAllowlist(byName);
    }

    /** Bare names: a default program keeps its built-in rule, any other program runs without arguments only. */
    public static CommandAllowlist names(Collection<String> names) {
        return of(names.stream().map(CommandAllowlist::bare).toList());
    }

    /** What a bare name allows (default-deny: never "any arguments"). */
    public static AllowedProgram bare(String name) {
        return DefaultPrograms.named(name).orElseGet(() -> AllowedProgram.noArguments(name));
    }

    public boolean isEmpty() {
        return programs.isEmpty();
    }

    /** The allowed names, sorted. */
    public Collection<String> names() {
        return programs.keySet();
    }

    Optional<AllowedProgram> program(String name) {
        return Optional.ofNullable(programs.get(name));
    }

    /** Each program with what it accepts, for the tool description. */
    String describe() {
        StringBuilder text = new StringBuilder();
        programs.values().forEach(p -> text.append(text.isEmpty() ? "" : "; ").append(p.name()).append(": ").append(p.accepts()));
        return text.toString();
    }

    @Override
    public String toString() {
        return "CommandAllowlist" + programs.keySet();
    }
}
