package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.ConfigSources;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code mcp-auth} command: parses, dispatches to a subcommand, and maps failures to exit codes. Every command says
 * {@code addMethodSubcommands = false}: none has method subcommands, and looking for them made picocli read the
 * annotations of every method of the command class and its superclasses, {@code Object} included, at each start.
 */
@Command(name = "mcp-auth",
        addMethodSubcommands = false,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Authentication and authorization gateway for MCP (Model Context Protocol) tools.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed (e.g. a token was rejected, a server could not start)",
            "2:invalid usage or configuration"
        })
public final class Main {

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** The subcommands by name, in the order {@code --help} lists them. */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    /**
     * The commands of each group ({@code token mint}, {@code keys show}), by the group's class and their names, in the
     * order the group's help lists them. Registered here rather than in the group's {@code @Command(subcommands)}, so a
     * command line that names one builds only that one: picocli otherwise reflects over every command of the group
     * (~36 ms of a {@code token mint}, two thirds of it annotation proxies). MainHelpTest checks the names against each
     * command's own {@code @Command(name)}.
     */
    static final Map<Class<?>, Map<String, Class<?>>> GROUP_MEMBERS = Map.of(
            TokenCommand.class, ordered("mint", TokenMintCommand.class, "inspect", TokenInspectCommand.class, "verify", TokenVerifyCommand.class),
            KeysCommand.class, ordered("generate", KeysCommand.Generate.class, "show", KeysCommand.Show.class));

    private static Map<String, Class<?>> ordered(Object... namesAndClasses) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndClasses.length; i += 2) {
            m.put((String) namesAndClasses[i], (Class<?>) namesAndClasses[i + 1]);
        }
        return m;
    }

    /** {@code type}'s command line, with the group's commands when it is a group: only {@code member} when it names one. */
    private static CommandLine withMembers(Class<?> type, String member) {
        CommandLine command = new CommandLine(type);
        Map<String, Class<?>> members = GROUP_MEMBERS.getOrDefault(type, Map.of());
        if (member != null && members.containsKey(member)) {
            command.addSubcommand(member, members.get(member));
        } else {
            members.forEach(command::addSubcommand);
        }
        return command;
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("serve", ServeCommand.class);
        m.put("token", TokenCommand.class);
        m.put("scopes", ScopesCommand.class);
        m.put("flow", FlowCommand.class);
        m.put("connect", ConnectCommand.class);
        m.put("authserver", AuthServerCommand.class);
        m.put("keys", KeysCommand.class);
        m.put("doctor", DoctorCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return m;
    }

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0 || !ServeCommand.RUNNING.get()) {
            System.exit(code);
        }
    }

    /** Runs the CLI and returns its exit code, without exiting (tests call this). */
    public static int run(String... args) {
        // picocli's factory otherwise looks for Groovy's Closure class at class-initialization time: a failed class
        // lookup through the whole class path (~4% of a stdio start) for a language this program has no use for.
        System.setProperty("picocli.disable.closures", "true");
        if (args.length == 0) {
            // A bare `mcp-auth` is someone finding their way: the usage, not "Missing required subcommand".
            summaryTree().usage(System.out);
            return 0;
        }
        CommandLine cli;
        try {
            EnvDefaultProvider defaults = EnvDefaultProvider.forArgs(java.util.Arrays.asList(args));
            if (args.length > 0 && "doctor".equals(args[0])) {
                defaults.tolerateLoadFailure();
            }
            defaults.sources();
            for (String warning : ConfigSources.unknownVariables(System.getenv(), defaults.schema())) {
                System.err.println("mcp-auth: warning: " + warning);
            }
            if (args.length == 1 && VERSION_OPTIONS.contains(args[0])) {
                // What picocli prints for the root's version option, without building the root's model for it first
                // (~60 ms: the annotations of every command, read to list them). MainHelpTest compares the two.
                for (String line : new VersionProvider().getVersion()) {
                    System.out.println(line);
                }
                return 0;
            }
            cli = commandLine(defaults, args[0], args.length > 1 ? args[1] : null);
        } catch (ConfigException e) {
            System.err.println("mcp-auth: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (args.length > 2 && args[0].equals("help")) {
            CommandLine nested = nestedCommand(cli, java.util.Arrays.copyOfRange(args, 1, args.length));
            if (nested != null) {
                nested.usage(System.out);
                return 0;
            }
        }
        return cli.execute(args);
    }

    /** {@code help token mint}: the command the words name below the root (picocli's help command goes one level). */
    private static CommandLine nestedCommand(CommandLine root, String[] names) {
        CommandLine at = root;
        for (String name : names) {
            at = at.getSubcommands().get(name);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** The whole command tree, without environment defaults or exit-code handlers (the generated docs use it). */
    public static CommandLine commandTree() {
        CommandLine cli = new CommandLine(new Main());
        SUBCOMMANDS.forEach((name, type) -> cli.addSubcommand(name, withMembers(type, null)));
        return GatewayHelp.install(cli);
    }

    private static final java.util.Set<String> VERSION_OPTIONS = java.util.Set.of("-V", "--version");

    /** The root's own options: they print the root's usage or version and run no subcommand. */
    private static final java.util.Set<String> ROOT_OPTIONS = java.util.Set.of("-h", "--help", "-V", "--version");

    /**
     * The root with each subcommand as its name and description only, read from its {@code @Command}: enough for
     * {@code mcp-auth --help}, which lists them, without reflecting over every option of every command (a large
     * share of that command's start-up). Its usage text is the whole tree's (MainHelpTest).
     */
    static CommandLine summaryTree() {
        CommandLine cli = new CommandLine(new Main());
        SUBCOMMANDS.forEach((name, type) -> {
            Command command = type.getAnnotation(Command.class);
            CommandSpec spec = CommandSpec.create().name(name).aliases(command.aliases());
            spec.usageMessage().header(command.header()).description(command.description()).hidden(command.hidden());
            cli.addSubcommand(name, new CommandLine(spec));
        });
        return GatewayHelp.install(cli);
    }

    /** The whole command tree. */
    static CommandLine commandLine(EnvDefaultProvider defaults) {
        return commandLine(defaults, null, null);
    }

    static CommandLine commandLine(EnvDefaultProvider defaults, String first) {
        return commandLine(defaults, first, null);
    }

    /**
     * The command tree for a command line starting with {@code first}: only that subcommand when it names one, as
     * picocli reflects over every registered command at start-up (~40 ms of each {@code serve --stdio} start);
     * the whole tree otherwise, for {@code --help}, {@code help} and suggestions on a mistyped name. Of a group, only
     * the command {@code second} names, when it names one.
     */
    static CommandLine commandLine(EnvDefaultProvider defaults, String first, String second) {
        Class<?> only = first == null || first.equals("help") ? null : SUBCOMMANDS.get(first);
        CommandLine cli;
        if (only != null) {
            cli = new CommandLine(new Main());
            cli.addSubcommand(first, withMembers(only, second));
            GatewayHelp.install(cli);
        } else if (first != null && ROOT_OPTIONS.contains(first)) {
            cli = summaryTree();
        } else {
            cli = commandTree();
        }
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
            c.getErr().println("mcp-auth: " + fromWhere(ex, args, defaults) + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_USAGE;
        });
        return cli;
    }

    /**
     * "environment variable MCP_AUTH_PORT: " when the bad value came from a default source rather than the command
     * line, so that the message names what the user has to change.
     */
    private static String fromWhere(CommandLine.ParameterException ex, String[] args, EnvDefaultProvider defaults) {
        if (!(ex.getArgSpec() instanceof CommandLine.Model.OptionSpec option)) {
            return "";
        }
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return "";
                }
            }
        }
        try {
            return defaults.sources().sourceOf(option.longestName().replaceFirst("^--", "")).map(s -> s + ": ").orElse("");
        } catch (ConfigException e) {
            return "";
        }
    }
}
