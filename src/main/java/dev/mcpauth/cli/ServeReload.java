package dev.mcpauth.cli;

import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.GatewayServer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * SIGHUP reloads the policy and the upstreams: the same command line is parsed again against the environment,
 * {@code .env} and {@code mcp-auth.yaml} as they are now, the result validated, and only then handed to the running
 * server. A file that does not parse or validate leaves the running configuration as it is, and the log says why.
 */
final class ServeReload {

    private static final Logger log = LoggerFactory.getLogger(ServeReload.class);

    private ServeReload() {
    }

    /** Installs the SIGHUP handler (where the platform has the signal; elsewhere nothing happens). */
    static void onHangup(GatewayServer server, List<String> args) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofVirtual().name("mcp-auth-reload").start(() -> reload(server, args)));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.debug("no SIGHUP on this platform: {}", e.toString());
        }
    }

    /** One reload; true when the new configuration runs. */
    static boolean reload(GatewayServer server, List<String> args) {
        GatewayConfig next;
        try {
            next = parse(args);
        } catch (RuntimeException e) {
            log.error("reload refused, the running configuration stays: {}", message(e));
            return false;
        }
        try {
            server.reload(next);
            return true;
        } catch (Exception e) {
            log.error("reload failed, the running configuration stays: {}", message(e));
            return false;
        }
    }

    /** The serve command line parsed anew, with every default read again; throws what {@code serve} would refuse. */
    static GatewayConfig parse(List<String> args) {
        String[] argv = args.toArray(String[]::new);
        EnvDefaultProvider defaults = EnvDefaultProvider.forArgs(args);
        defaults.sources();
        CommandLine cli = Main.commandLine(defaults, argv.length > 0 ? argv[0] : null);
        CommandLine.ParseResult parsed = cli.parseArgs(argv);
        ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();
        return serve.toConfig().validate();
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
