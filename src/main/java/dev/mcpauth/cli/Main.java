package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mcp-auth} command: parses, dispatches to a subcommand, and maps failures to exit codes. */
@Command(name = "mcp-auth",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Authentication and authorization gateway for MCP (Model Context Protocol) tools.",
        subcommands = {
            ServeCommand.class,
            TokenCommand.class,
            ScopesCommand.class,
            FlowCommand.class,
            ConnectCommand.class,
            AuthServerCommand.class,
            KeysCommand.class,
            DoctorCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed (e.g. a token was rejected, a server could not start)",
            "2:invalid usage or configuration"
        })
public final class Main {

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0 || !ServeCommand.RUNNING.get()) {
            System.exit(code);
        }
    }

    /** Runs the CLI and returns its exit code, without exiting (tests call this). */
    public static int run(String... args) {
        CommandLine cli;
        try {
            EnvDefaultProvider defaults = EnvDefaultProvider.forArgs(java.util.Arrays.asList(args));
            defaults.sources();
            cli = commandLine(defaults);
        } catch (ConfigException e) {
            System.err.println("mcp-auth: " + e.getMessage());
            return EXIT_USAGE;
        }
        return cli.execute(args);
    }

    static CommandLine commandLine(EnvDefaultProvider defaults) {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(defaults);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            if (t instanceof ConfigException || t instanceof IllegalArgumentException) {
                commandLine.getErr().println("mcp-auth: " + t.getMessage());
                return EXIT_USAGE;
            }
            if (t instanceof CliFailure f) {
                commandLine.getErr().println("mcp-auth: " + f.getMessage());
                return f.exitCode();
            }
            commandLine.getErr().println("mcp-auth: " + (t.getMessage() != null ? t.getMessage() : t.toString()));
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("command failed", t);
            return EXIT_FAILURE;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("mcp-auth: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_USAGE;
        });
        return cli;
    }
}
