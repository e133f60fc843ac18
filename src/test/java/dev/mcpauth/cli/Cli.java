package dev.mcpauth.cli;

import dev.mcpauth.config.GatewayConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs {@code mcp-auth} commands in-process the way {@link Main#run} does (same default-value provider, same
 * exception handlers), with stdout and stderr captured. Long-running commands come back as handles to stop.
 */
public final class Cli {

    private Cli() {
    }

    /** What a command printed and returned. */
    public record Result(int exitCode, String out, String err) {
        /** Stdout without the trailing newline. */
        public String outLine() {
            return out.strip();
        }
    }

    public static Result run(String... args) {
        CommandLine cli = commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * {@code Main.run} as the launcher calls it (the environment's warnings, the narrowed command tree, the fast paths),
     * with stdout and stderr captured. Synchronized: it swaps the process's System.out and System.err.
     */
    public static synchronized Result main(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(stdout, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, stdout.toString(java.nio.charset.StandardCharsets.UTF_8), stderr.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** {@code mcp-auth authserver ARGS}, executed; fails the test when it does not start. */
    public static AuthServer authserver(String... args) {
        List<String> all = new ArrayList<>(List.of("authserver"));
        all.addAll(List.of(args));
        String[] argv = all.toArray(String[]::new);
        CommandLine cli = commandLine(argv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(argv);
        AuthServerCommand command = cli.getSubcommands().get("authserver").getCommand();
        if (code != 0 || command.running == null) {
            throw new AssertionError("authserver did not start (exit " + code + "): " + err);
        }
        return new AuthServer(command.running, err.toString());
    }

    /** The configuration {@code mcp-auth serve ARGS} would run with (start it with TestGateway.start). */
    public static GatewayConfig serveConfig(String... args) {
        List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(List.of(args));
        CommandLine cli = commandLine(all.toArray(String[]::new));
        cli.parseArgs(all.toArray(String[]::new));
        ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
        return serve.toConfig();
    }

    private static CommandLine commandLine(String[] args) {
        return Main.commandLine(EnvDefaultProvider.forArgs(List.of(args)));
    }

    /** A running {@code authserver}, with the banner it printed. */
    public static final class AuthServer implements AutoCloseable {
        private final AuthServerCommand.Running running;
        private final String banner;

        AuthServer(AuthServerCommand.Running running, String banner) {
            this.running = running;
            this.banner = banner;
        }

        public String issuer() {
            return running.issuer();
        }

        public int port() {
            return running.port();
        }

        public String banner() {
            return banner;
        }

        @Override
        public void close() {
            running.stop();
        }
    }
}
