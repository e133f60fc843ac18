package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.support.ServeChild;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.upstream.TinyUpstreamServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a newcomer meets in the first hour, each through the real command: a message that names the problem. */
class FirstHourTest {

    private static final String SECRET = TestGateway.SECRET;

    @Test
    void bareMcpAuthShowsUsageAndHelpReachesNestedCommands() throws Exception {
        ServeChild.Finished bare = ServeChild.run(Map.of());
        assertThat(bare.exitCode()).isZero();
        assertThat(bare.out()).startsWith("Usage: mcp-auth").contains("serve", "token", "doctor");
        assertThat(bare.err()).doesNotContain("Missing required subcommand");

        ServeChild.Finished help = ServeChild.run(Map.of(), "help", "token", "mint");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: mcp-auth token mint").contains("--secret-file");
    }

    @Test
    void badPortFromTheEnvironmentOrTheConfigFileNamesTheVariableOrTheKey(@TempDir Path dir) throws Exception {
        ServeChild.Finished env = ServeChild.run(Map.of("MCP_AUTH_PORT", "banana"), "serve", "--secret", SECRET);
        assertThat(env.exitCode()).isEqualTo(2);
        assertThat(env.err()).startsWith("mcp-auth: environment variable MCP_AUTH_PORT: Invalid value for option '--port': 'banana'");

        Path yaml = Files.writeString(dir.resolve("gateway.yaml"), "port: banana\n");
        Cli.Result file = Cli.run("serve", "--config", yaml.toString(), "--secret", SECRET);
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err()).startsWith("mcp-auth: key 'port' in " + yaml + ": Invalid value for option '--port'");

        Cli.Result flag = Cli.run("serve", "--port", "banana", "--secret", SECRET);
        assertThat(flag.err()).startsWith("mcp-auth: Invalid value for option '--port'");
    }

    @Test
    void missingSecretFileAndMissingUpstreamProgramAreUsageErrorsNamingTheFlagWithoutAStackTrace() {
        Cli.Result mint = Cli.run("token", "mint", "--secret-file", "/nonexistent");
        assertThat(mint.exitCode()).isEqualTo(2);
        assertThat(mint.err().strip()).isEqualTo("mcp-auth: --secret-file /nonexistent: no such file");

        Cli.Result serve = Cli.run("serve", "--port", "0", "--secret", SECRET, "--upstream", "x=/nonexistent/prog");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err()).contains("upstream x: program '/nonexistent/prog' does not exist").doesNotContain("Exception").doesNotContain("\tat ");

        Cli.Result onPath = Cli.run("serve", "--port", "0", "--secret", SECRET, "--upstream", "y=no-such-program-anywhere --stdio");
        assertThat(onPath.exitCode()).isEqualTo(2);
        assertThat(onPath.err()).contains("upstream y: program 'no-such-program-anywhere' was not found on PATH");
    }

    @Test
    void flowAgainstAClosedPortAndServeAgainstAnUnreachableIssuerSayWhatFailedAndWhatToCheck() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Cli.Result flow = Cli.run("flow", "http://127.0.0.1:" + closed + "/mcp", "--no-browser", "--timeout", "5s");
        assertThat(flow.exitCode()).isEqualTo(1);
        assertThat(flow.err()).contains("flow failed: could not reach http://127.0.0.1:" + closed + "/mcp (connection refused); check the URL")
                .doesNotContain("null").doesNotContain("java.");

        Cli.Result serve = Cli.run("serve", "--port", "0", "--issuer", "http://127.0.0.1:" + closed + "/realm");
        assertThat(serve.exitCode()).isNotZero();
        assertThat(serve.err()).contains("(connection refused); check that the issuer URL is right").doesNotContain("java.net");
    }

    @Test
    void scopesListsTheToolsOfAnUpstreamGivenOnTheCommandLineOrInTheConfigFile(@TempDir Path dir) throws Exception {
        String upstream = ServeChild.javaCommand(TinyUpstreamServer.class);
        Cli.Result flag = Cli.run("scopes", "--upstream", "tiny=" + upstream, "--tool-scope", "tiny__echo=echo:use");
        assertThat(flag.exitCode()).as(flag.err()).isZero();
        assertThat(flag.out()).containsPattern("tiny__echo +echo:use").containsPattern("tiny__crash +\\(any valid token\\)").contains("add_numbers");

        Path yaml = Files.writeString(dir.resolve("mcp-auth.yaml"), "upstreams:\n  - name: notes\n    command: [" + String.join(", ",
                java.util.Arrays.stream(upstream.split(" ")).map(w -> "'" + w + "'").toList()) + "]\n    tools:\n      echo: [notes:read]\n");
        Cli.Result file = Cli.run("scopes", "--config", yaml.toString());
        assertThat(file.exitCode()).as(file.err()).isZero();
        assertThat(file.out()).containsPattern("notes__echo +notes:read");
    }

    @Test
    void doctorSkipsThePortOnRequestAndKnowsARunningServeHoldsIt(@TempDir Path dir) throws Exception {
        try (TestGateway running = TestGateway.sharedSecret(dir, false)) {
            String port = Integer.toString(running.server.port());
            Cli.Result detected = Cli.run("doctor", "--secret", SECRET, "--port", port);
            assertThat(detected.out()).containsPattern("port.*held by a running mcp-auth serve");
            assertThat(detected.exitCode()).isZero();

            Cli.Result skipped = Cli.run("doctor", "--secret", SECRET, "--port", port, "--skip", "port");
            assertThat(skipped.exitCode()).isZero();
            assertThat(skipped.out()).contains("skipped (--skip port)");

            Cli.Result unknown = Cli.run("doctor", "--secret", SECRET, "--skip", "ports");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.err()).contains("--skip ports: unknown check; checks that can be skipped: port");
        }
    }
}
