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

    /**
     * What went wrong talking to {@code target}: the exception's own message when it has one of ours, else the
     * failure in plain words with what to check (a refused connection has no message at all: "flow failed: null").
     */
    static String reachability(java.io.IOException e, java.net.URI target) {
        String message = e.getMessage();
        boolean bare = message == null || message.isBlank() || e instanceof java.net.ConnectException
                || e instanceof java.net.http.HttpConnectTimeoutException || e instanceof java.nio.channels.ClosedChannelException;
        if (!bare) {
            return message;
        }
        return "could not reach " + target + " (" + dev.mcpauth.http.Failures.describe(e) + "); check the URL and that the server is running and reachable from here";
    }

    public int exitCode() {
        return exitCode;
    }
}
