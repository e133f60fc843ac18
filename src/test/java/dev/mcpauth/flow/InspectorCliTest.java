package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP Inspector's CLI ({@code @modelcontextprotocol/inspector} from npm, on the Node 22 it needs, also
 * from npm; {@code src/test/inspector}) against {@code serve} with its embedded authorization server, as a user
 * points it at the gateway: it meets the 401, finds the authorization server through the protected resource
 * metadata, registers, and logs in with PKCE through its "browser" ({@code follow-login.mjs}, which follows the
 * auto-approved authorization to the Inspector's loopback callback), then calls tools in both protocol eras, and its
 * load mode calls a tool from 16 callers at once on the token it got.
 */
class InspectorCliTest {

    private static final Path DIR = Path.of("src/test/inspector").toAbsolutePath();
    private static final String LAUNCHER = "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @TempDir
    Path filesRoot;

    @Test
    void theInspectorLogsInThroughTheDiscoveredServerAndCallsAToolInBothEras() throws Exception {
        try (TestGateway serve = TestGateway.start(Cli.serveConfig("--port", "0", "--auto-approve", "--files-root", filesRoot.toString()))) {
            JsonNode list = inspector(serve, "--method", "tools/list");
            List<String> tools = new ArrayList<>();
            list.at("/result/tools").forEach(t -> tools.add(t.path("name").asText()));
            assertThat(tools).as(list.toString()).contains("add_numbers", "list_files");

            for (String era : List.of("legacy", "modern")) {
                JsonNode call = inspector(serve, "--protocol-era", era,
                        "--method", "tools/call", "--tool-name", "add_numbers", "--tool-arg", "a=2", "b=3");
                assertThat(call.at("/result/structuredContent/result").asInt()).as(era + ": " + call).isEqualTo(5);
                assertThat(call.at("/result/isError").asBoolean(true)).as(era + ": " + call).isFalse();
            }

            // What the Inspector's browser was sent to: this server's authorization endpoint, S256, and the gateway's
            // resource (RFC 8707), one login per run (the Inspector keeps no token: its secrets live in memory).
            List<String> logins = Files.readAllLines(home.resolve("follow-login.log"));
            assertThat(logins).hasSize(3);
            assertThat(logins).allSatisfy(url -> assertThat(url)
                    .startsWith(serve.server.baseUrl() + "/oauth/authorize?")
                    .contains("code_challenge_method=S256")
                    .contains("resource=" + URLEncoder.encode(serve.mcpUrl(), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void itsLoadModeCallsFromSixteenCallersAtOnceWithoutAnError() throws Exception {
        try (TestGateway serve = TestGateway.start(Cli.serveConfig("--port", "0", "--auto-approve", "--files-root", filesRoot.toString()))) {
            for (String era : List.of("legacy", "modern")) {
                JsonNode load = inspector(serve, "--protocol-era", era,
                        "--method", "tools/call", "--tool-name", "add_numbers", "--tool-arg", "a=2", "b=3",
                        "--load", "--load-concurrency", "16", "--load-requests", "400");
                assertThat(load.at("/result/ok").asInt()).as(era + ": " + load).isEqualTo(400);
                assertThat(load.at("/result/errors").asInt()).as(era + ": " + load).isZero();
                assertThat(load.at("/result/toolErrors").asInt()).as(era + ": " + load).isZero();
            }
        }
    }

    /** Runs the Inspector's CLI against {@code serve}'s MCP URL with {@code args}; its one line of JSON output. */
    private JsonNode inspector(TestGateway serve, String... args) throws Exception {
        NodeClients.ensureInstalled(DIR, "@modelcontextprotocol/inspector");
        Path node = DIR.resolve("node_modules/.bin/node");
        List<String> cmd = new ArrayList<>(List.of(node.toString(), LAUNCHER, "--cli", serve.mcpUrl(),
                "--callback-url", "http://127.0.0.1:" + freePort() + "/oauth/callback", "--format", "json", "-q"));
        cmd.addAll(List.of(args));
        Path stdout = home.resolve("stdout.txt");
        Path stderr = home.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(DIR.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("PATH", DIR.resolve("node_modules/.bin") + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
        env.put("BROWSER", DIR.resolve("follow-login.mjs").toString());
        env.put("FOLLOW_LOGIN_LOG", home.resolve("follow-login.log").toString());
        // Without a terminal the Inspector only opens the browser when told to; its secrets stay in this process.
        env.put("MCP_AUTO_OPEN_ENABLED", "true");
        env.put("MCP_INSPECTOR_SECRET_STORE", "memory");
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the Inspector did not finish in 120 s: " + Files.readString(stderr));
        }
        String out = Files.readString(stdout).strip();
        String last = out.lines().reduce((a, b) -> b).orElse("");
        assertThat(last).as("exit %d, stdout %s, stderr %s", p.exitValue(), out, Files.readString(stderr)).startsWith("{");
        assertThat(p.exitValue()).as(last).isZero();
        return JSON.readTree(last);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
