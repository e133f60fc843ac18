package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mcpauth.client.AuthorizationTarget;
import dev.mcpauth.client.Discovery;
import dev.mcpauth.client.LoginFlow;
import dev.mcpauth.client.TokenSet;
import dev.mcpauth.config.Durations;
import dev.mcpauth.config.GatewayConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcp-auth flow}: the client side of MCP authorization, from a terminal. */
@Command(name = "flow", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {
            "Log in to an MCP server (or an authorization server) as an MCP client does, and print the access token.",
            "Each step goes to stderr: discovery (RFC 9728 from the 401, then RFC 8414 / OIDC), dynamic client registration (RFC 7591), PKCE S256, "
                    + "authorization in the browser (or unattended when the server approves at once), and the code exchange.",
            "With --json, prints the whole token response instead."
        })
public final class FlowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "The MCP endpoint (e.g. http://127.0.0.1:8001/mcp) or an issuer URL.")
    String url;

    @Mixin
    LoginOptions login;

    @Option(names = "--resource", paramLabel = "URI", description = "Resource indicator (RFC 8707). Default: the discovered resource.")
    String resource;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", description = "How long to wait for the login. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--json", description = "Print the whole token response (with issuer and client_id) as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        URI target = GatewayConfig.uri("URL", url);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        java.util.function.Consumer<String> progress = line -> {
            err.println("flow: " + line);
            err.flush();
        };
        LoginFlow.Options options = login.options(resource == null ? null : GatewayConfig.uri("--resource", resource),
                Durations.parse("--timeout", timeout));
        try {
            AuthorizationTarget found = new Discovery(http, progress).discover(target);
            LoginFlow flow = new LoginFlow(http, progress, login.browser(err, "flow: "));
            TokenSet tokens = flow.run(found, options);
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tokens.toJson()) : tokens.accessToken());
            out.flush();
            return 0;
        } catch (java.io.IOException e) {
            throw new CliFailure("flow failed: " + CliFailure.reachability(e, target));
        }
    }
}
