package dev.mcpauth.cli;

/** A failure to print as one line, with its exit code. */
public final class CliFailure extends RuntimeException {

    private final int exitCode;

    public CliFailure(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public CliFailure(String message) {
        this(message, Main.EXIT_FAILURE);
    }

    public int exitCode() {
        return exitCode;
    }
}
