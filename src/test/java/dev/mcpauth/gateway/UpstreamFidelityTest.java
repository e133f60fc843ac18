package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.json.Json;
import dev.mcpauth.support.EverythingHttp;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.token.TokenMinter;
import java.nio.charset.StandardCharsets;
import dev.mcpauth.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway adds no loss: the official TypeScript SDK client (declaring sampling, elicitation and roots; script
 * {@code src/test/interop/fidelity-client.mjs}) runs the same checks against {@code @modelcontextprotocol/server-everything}
 * directly, and through the gateway in front of it as a stdio child and as a Streamable HTTP server, and through
 * {@code serve --stdio} (the front a local client spawns). One test per
 * thing an upstream can say (MCP 2025-11-25: client capabilities, progress, cancellation, logging, sampling,
 * elicitation, roots, subscriptions, completion, prompts, resources). At 3abf955 three of these passed through the gateway.
 */
class UpstreamFidelityTest {

    private static final Path ENTRY = EverythingHttp.ENTRY;

    @TempDir
    static Path root;
    private static EverythingHttp everything;
    private static JsonNode direct;
    private static JsonNode viaStdio;
    private static JsonNode viaHttp;
    private static JsonNode viaStdioFront;
    private static JsonNode viaConnect;

    @BeforeAll
    static void runTheChecksFiveWays() throws Exception {
        assumeTrue(Files.isRegularFile(ENTRY), "server-everything is not installed (npm ci in src/test/upstream-npm): skipped");
        everything = EverythingHttp.start();
        String upstreamUrl = everything.url();
        direct = run(upstreamUrl, "-", "");

        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, """
                policy:
                  default-scopes: [everything:use]
                upstreams:
                  - name: everything
                    command: [node, "%s", stdio]
                """.formatted(ENTRY), false, false))) {
            viaStdio = run(gw.mcpUrl(), gw.token("everything:use"), "");
        }
        try (TestGateway gw = TestGateway.start(UpstreamGateways.config(root, """
                policy:
                  default-scopes: [everything:use]
                upstreams:
                  - name: everything
                    url: %s
                """.formatted(upstreamUrl), false, false))) {
            viaHttp = run(gw.mcpUrl(), gw.token("everything:use"), "");
        }
        viaStdioFront = run("stdio:" + stdioFront(), "-", "everything__");
        try (TestGateway gw = TestGateway.start(UpstreamGateways.withAuth(UpstreamGateways.config(root, """
                policy:
                  default-scopes: [everything:use]
                upstreams:
                  - name: everything
                    command: [node, "%s", stdio]
                """.formatted(ENTRY), false, false), new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of())))) {
            viaConnect = run("stdio:" + connect(gw.mcpUrl()), "-", "");
        }
    }

    /**
     * {@code connect} to a gateway in front of the stdio upstream (embedded AS, approving without a page), as a local
     * client spawns mcp-remote. The gateway speaks both eras: connect keeps its client's (2025-11-25), which carries
     * completions, resource subscriptions and log messages between calls that 2026-07-28 cannot.
     */
    static String connect(String url) {
        ObjectNode spec = Json.mapper().createObjectNode();
        spec.put("command", ProcessHandle.current().info().command().orElse("java"));
        spec.putArray("args").add("-XX:TieredStopAtLevel=1").add("-cp").add(System.getProperty("java.class.path"))
                .add("dev.mcpauth.cli.Main").add("connect").add(url).add("--no-browser").add("--scope").add("everything:use");
        spec.putObject("env").put("XDG_CONFIG_HOME", root.resolve("connect").toString()).put("PATH", System.getenv("PATH"));
        return spec.toString();
    }

    /** {@code serve --stdio} in front of the stdio upstream, as a local client spawns it (this JVM's classes). */
    static String stdioFront() {
        String token = TokenMinter.withSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject("local").audience("http://127.0.0.1:8001/mcp").ttl(Duration.ofMinutes(10)).mint();
        ObjectNode spec = Json.mapper().createObjectNode();
        spec.put("command", ProcessHandle.current().info().command().orElse("java"));
        spec.putArray("args").add("-XX:TieredStopAtLevel=1").add("-cp").add(System.getProperty("java.class.path"))
                .add("dev.mcpauth.cli.Main").add("serve").add("--stdio").add("--secret").add(TestGateway.SECRET)
                .add("--upstream").add("everything=node " + ENTRY + " stdio");
        spec.putObject("env").put("MCP_AUTH_TOKEN", token).put("PATH", System.getenv("PATH"));
        return spec.toString();
    }

    @AfterAll
    static void stopTheUpstream() {
        if (everything != null) {
            everything.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"capabilities", "echo", "progress", "cancellation", "logging", "sampling", "elicitation", "roots",
            "subscriptions", "completion", "prompt", "resource"})
    void whatServerEverythingSaysReachesTheClientThroughTheGatewayAsItDoesDirectly(String check) {
        assertThat(direct.path("checks").path(check).path("ok").asBoolean()).as("directly: " + direct.path("checks").path(check)).isTrue();
        assertThat(viaStdio.path("checks").path(check).path("ok").asBoolean())
                .as("through the gateway, stdio upstream: " + viaStdio.path("checks").path(check)).isTrue();
        assertThat(viaHttp.path("checks").path(check).path("ok").asBoolean())
                .as("through the gateway, HTTP upstream: " + viaHttp.path("checks").path(check)).isTrue();
        assertThat(viaStdioFront.path("checks").path(check).path("ok").asBoolean())
                .as("through serve --stdio, stdio upstream: " + viaStdioFront.path("checks").path(check)).isTrue();
        assertThat(viaConnect.path("checks").path(check).path("ok").asBoolean())
                .as("through connect and the gateway, stdio upstream: " + viaConnect.path("checks").path(check)).isTrue();
    }

    private static JsonNode run(String url, String token, String prefix) throws Exception {
        JsonNode result = NodeClients.run("fidelity-client.mjs", url, token, prefix);
        assertThat(result.path("checks").path("connect").isMissingNode()).as("connected: " + result).isTrue();
        return result;
    }
}
