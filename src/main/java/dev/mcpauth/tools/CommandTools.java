package dev.mcpauth.tools;

import static dev.mcpauth.tools.Schemas.props;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code execute_command}: runs one allowlisted program with arguments its rule accepts ({@link AllowedProgram}).
 * No shell is ever involved (the argument list goes to the OS as is), the program is found by its allowlisted name in
 * fixed system directories only, the working directory is the files root, the environment is minimal, output is
 * capped, and a run that exceeds the timeout has its whole process tree killed.
 */
public final class CommandTools {

    public static final String EXECUTE_COMMAND = "execute_command";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_OUTPUT_CAP_BYTES = 64 * 1024;
    public static final int MAX_ARGS = 64;
    public static final int MAX_ARG_LENGTH = 4096;
    /**
     * Where allowlisted programs are looked up, in order; never the caller's or the gateway's PATH, and no directory an
     * ordinary user may write to on common systems (so not /usr/local/bin, which Homebrew makes the user's own).
     */
    public static final List<Path> SEARCH_PATH = List.of(Path.of("/usr/bin"), Path.of("/bin"));
    /** The child's whole environment: nothing of the gateway's (MCP_AUTH_SECRET, tokens, proxies) is passed on. */
    static final Map<String, String> CHILD_ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C");

    private static final Set<String> ARGUMENTS = Set.of("command", "args");
    /** What a path looks like when it holds no shell metacharacter: name characters and separators only. */
    private static final Pattern PATH_LIKE = Pattern.compile("[A-Za-z0-9._+/\\\\-]+");
    private static final Duration STREAM_GRACE = Duration.ofSeconds(2);

    private final Path workingDirectory;
    private final CommandAllowlist allowlist;
    private final Duration timeout;
    private final int outputCapBytes;

    public CommandTools(Path workingDirectory, CommandAllowlist allowlist, Duration timeout, int outputCapBytes) {
        if (!Files.isDirectory(workingDirectory)) {
            throw new IllegalArgumentException("command working directory " + workingDirectory + " is not a directory");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive, got " + timeout);
        }
        if (outputCapBytes < 1) {
            throw new IllegalArgumentException("command output cap must be at least 1 byte, got " + outputCapBytes);
        }
        this.workingDirectory = workingDirectory;
        this.allowlist = allowlist;
        this.timeout = timeout;
        this.outputCapBytes = outputCapBytes;
    }

    public List<CatalogTool> tools() {
        return List.of(executeCommand());
    }

    public CatalogTool executeCommand() {
        List<String> allowed = List.copyOf(allowlist.names());
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(EXECUTE_COMMAND)
                .title("Execute command")
                .description("Runs one allowlisted program with literal arguments, without a shell, in the files root. "
                        + "Each program accepts only these arguments (anything else is refused without running): " + allowlist.describe() + ". "
                        + "Times out after " + timeout.toSeconds() + " s; stdout and stderr are each capped at " + outputCapBytes + " bytes.")
                .inputSchema(Schemas.object(props(
                        "command", Map.of("type", "string", "description", "Program name from the allowlist", "enum", allowed),
                        "args", Map.of("type", "array", "items", Map.of("type", "string", "maxLength", MAX_ARG_LENGTH), "maxItems", MAX_ARGS,
                                "description", "Arguments, passed literally (no shell expansion)")),
                        List.of("command")))
                .outputSchema(outputSchema())
                .annotations(McpSchema.ToolAnnotations.builder().title("Execute command").readOnlyHint(false)
                        .destructiveHint(true).idempotentHint(false).openWorldHint(false).build())
                .build();
        return new CatalogTool(tool, Results.guarded(this::execute));
    }

    private CallToolResult execute(ToolCall call) throws BadArgument, InterruptedException {
        Arguments arguments = Arguments.of(call.arguments(), ARGUMENTS);
        String command = arguments.requiredString("command");
        List<String> args = arguments.stringList("args");
        AllowedProgram allowed = allowedProgram(command);
        checkArgs(args);
        allowed.check(args);
        Path program = installed(command);
        List<String> commandLine = new ArrayList<>(args.size() + 1);
        commandLine.add(program.toString());
        commandLine.addAll(args);
        return run(command, args, commandLine);
    }

    /** The rule of an allowlisted name; a path or anything a shell would interpret is refused by name. */
    private AllowedProgram allowedProgram(String command) throws BadArgument {
        if (command.length() > 64) {
            throw new BadArgument("argument 'command' is " + command.length() + " characters, longer than any allowed program name");
        }
        if (PATH_LIKE.matcher(command).matches() && !AllowedProgram.NAME.matcher(command).matches()) {
            throw new BadArgument("argument 'command' must be a program name from the allowlist, not a path: '" + command + "'");
        }
        if (!AllowedProgram.NAME.matcher(command).matches()) {
            throw new BadArgument("argument 'command' contains shell metacharacters or spaces: '" + command
                    + "'; give only the program name and put arguments in 'args' (no shell is used)");
        }
        return allowlist.program(command).orElseThrow(() -> new BadArgument("argument 'command': program '" + command
                + "' is not allowlisted; allowed: " + String.join(", ", allowlist.names())));
    }

    /** The executable for an allowlisted name, found only in {@link #SEARCH_PATH}. */
    private static Path installed(String command) throws BadArgument {
        for (Path directory : SEARCH_PATH) {
            Path candidate = directory.resolve(command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new BadArgument("argument 'command': program '" + command + "' is allowlisted but not installed in " + SEARCH_PATH);
    }

    private static void checkArgs(List<String> args) throws BadArgument {
        if (args.size() > MAX_ARGS) {
            throw new BadArgument("argument 'args' has " + args.size() + " items; at most " + MAX_ARGS + " are allowed");
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.length() > MAX_ARG_LENGTH) {
                throw new BadArgument("argument 'args[" + i + "]' is " + arg.length() + " characters; at most " + MAX_ARG_LENGTH + " are allowed");
            }
            if (arg.indexOf('\0') >= 0) {
                throw new BadArgument("argument 'args[" + i + "]' must not contain a NUL character");
            }
        }
    }

    private CallToolResult run(String command, List<String> args, List<String> commandLine) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(commandLine).directory(workingDirectory.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear(); // nothing of the gateway's environment (secrets, tokens) reaches the child
        environment.putAll(CHILD_ENVIRONMENT);
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Results.error("execute_command: program '" + command + "' could not be started: " + e.getMessage());
        }
        try {
            closeQuietly(process);
            OutputCapture stdout = OutputCapture.start(process.getInputStream(), outputCapBytes, "execute_command-stdout-" + process.pid());
            OutputCapture stderr = OutputCapture.start(process.getErrorStream(), outputCapBytes, "execute_command-stderr-" + process.pid());
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                destroyTree(process.toHandle());
                process.waitFor(STREAM_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            boolean streamsEnded = stdout.awaitEnd(STREAM_GRACE) & stderr.awaitEnd(STREAM_GRACE);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            return report(command, args, process, !finished, streamsEnded, stdout, stderr, millis);
        } finally {
            if (process.isAlive()) {
                destroyTree(process.toHandle()); // interrupted or failed while waiting: never leave the child running
            }
        }
    }

    private CallToolResult report(String command, List<String> args, Process process, boolean timedOut, boolean streamsEnded,
                                  OutputCapture stdout, OutputCapture stderr, long millis) {
        Integer exitCode = process.isAlive() ? null : process.exitValue();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", command);
        result.put("args", args);
        result.put("exit_code", exitCode);
        result.put("timed_out", timedOut);
        result.put("duration_ms", millis);
        result.put("stdout", stdout.text());
        result.put("stderr", stderr.text());
        result.put("stdout_truncated", stdout.truncated());
        result.put("stderr_truncated", stderr.truncated());
        note(timedOut, streamsEnded, stdout, stderr).ifPresent(n -> result.put("note", n));
        if (timedOut) {
            return Results.failed("execute_command: '" + command + "' timed out after " + timeout.toMillis()
                    + " ms; its process tree was killed", result);
        }
        if (exitCode == null || exitCode != 0) {
            return Results.failed("execute_command: '" + command + "' exited with code " + exitCode, result);
        }
        return Results.structured(result);
    }

    private Optional<String> note(boolean timedOut, boolean streamsEnded, OutputCapture stdout, OutputCapture stderr) {
        List<String> notes = new ArrayList<>();
        if (timedOut) {
            notes.add("timed out after " + timeout.toMillis() + " ms; the process tree was killed");
        }
        if (stdout.truncated()) {
            notes.add("stdout truncated to " + outputCapBytes + " of " + stdout.totalBytes() + " bytes");
        }
        if (stderr.truncated()) {
            notes.add("stderr truncated to " + outputCapBytes + " of " + stderr.totalBytes() + " bytes");
        }
        if (!streamsEnded) {
            notes.add("output may be incomplete: a background process kept it open");
        }
        return notes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notes));
    }

    /**
     * Kills a process and everything it started. Each process's descendants are listed before it is killed, because
     * once a parent dies its children are re-parented and can no longer be found from it.
     */
    static void destroyTree(ProcessHandle root) {
        Deque<ProcessHandle> pending = new ArrayDeque<>(List.of(root));
        Set<Long> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            ProcessHandle handle = pending.pop();
            if (!seen.add(handle.pid())) {
                continue;
            }
            List<ProcessHandle> descendants = handle.descendants().toList();
            handle.destroyForcibly();
            pending.addAll(descendants);
        }
    }

    /** The child gets no input: its stdin is closed at once, so a program that reads stdin sees end of file. */
    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the child already exited; nothing to close
        }
    }

    private static Map<String, Object> outputSchema() {
        return Schemas.object(props(
                "command", Schemas.type("string", "The program that ran"),
                "args", Schemas.stringArray("Its arguments, as passed"),
                "exit_code", Schemas.nullable("integer", "Exit code; null if the process could not be reaped"),
                "timed_out", Schemas.type("boolean", "Whether the timeout killed the process tree"),
                "duration_ms", Schemas.type("integer", "Wall-clock run time in milliseconds"),
                "stdout", Schemas.type("string", "Standard output (UTF-8), up to the cap"),
                "stderr", Schemas.type("string", "Standard error (UTF-8), up to the cap"),
                "stdout_truncated", Schemas.type("boolean", "Whether stdout exceeded the cap"),
                "stderr_truncated", Schemas.type("boolean", "Whether stderr exceeded the cap"),
                "note", Schemas.type("string", "What was cut or went wrong, when anything was")),
                List.of("command", "args", "exit_code", "timed_out", "duration_ms", "stdout", "stderr", "stdout_truncated", "stderr_truncated"));
    }
}
