package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcp-auth flow} against {@code mcp-auth serve} running its embedded authorization server in auto-approve mode. */
class FlowAgainstEmbeddedAuthServerTest {

    @TempDir
    static Path filesRoot;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(Cli.serveConfig("--port", "0", "--auto-approve", "--files-root", filesRoot.toString()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void flowPrintsAnAccessTokenThatCallsAToolOnMcp() throws Exception {
        Cli.Result flow = Cli.run("flow", gateway.mcpUrl(), "--no-browser", "--timeout", "30s");

        assertThat(flow.exitCode()).as(flow.err()).isZero();
        String token = flow.outLine();
        assertThat(token.split("\\.")).hasSize(3);
        assertThat(callAddNumbers(token).at("/result/structuredContent/result").asInt()).isEqualTo(5);
    }

    @Test
    void flowJsonHasTheTokensIssuerAndClientIdAndStderrNamesEveryStep() throws Exception {
        Cli.Result flow = Cli.run("flow", gateway.mcpUrl(), "--json", "--no-browser", "--timeout", "30s");

        assertThat(flow.exitCode()).as(flow.err()).isZero();
        JsonNode json = TestGateway.json(flow.out());
        assertThat(json.path("access_token").asText()).isNotBlank();
        assertThat(json.path("refresh_token").asText()).isNotBlank();
        assertThat(json.path("issuer").asText()).isEqualTo(gateway.server.baseUrl());
        assertThat(json.path("client_id").asText()).startsWith("mcp-");
        assertThat(flow.err())
                .contains("flow: discovery: 401 from " + gateway.mcpUrl())
                .contains("flow: discovery: resource " + gateway.mcpUrl() + ", authorization server " + gateway.server.baseUrl())
                .contains("flow: register: client_id " + json.path("client_id").asText())
                .contains("flow: authorize: PKCE S256")
                .contains("flow: authorize: the authorization server approved without interaction")
                .contains("flow: token: access token received");
        assertThat(flow.err().indexOf("discovery:")).isLessThan(flow.err().indexOf("register:"));
        assertThat(flow.err().indexOf("register:")).isLessThan(flow.err().indexOf("authorize:"));
        assertThat(flow.err().indexOf("authorize:")).isLessThan(flow.err().indexOf("token:"));
        // The token itself goes to stdout only.
        assertThat(flow.err()).doesNotContain(json.path("access_token").asText());
    }

    @Test
    void flowWithANarrowScopeGetsATokenThatIsRefusedOtherTools() throws Exception {
        Cli.Result flow = Cli.run("flow", gateway.mcpUrl(), "--scope", "math:calculate", "--no-browser", "--timeout", "30s");

        assertThat(flow.exitCode()).as(flow.err()).isZero();
        String token = flow.outLine();
        assertThat(callAddNumbers(token).at("/result/structuredContent/result").asInt()).isEqualTo(5);
        String session = gateway.initialize(token);
        HttpResponse<String> denied = gateway.send(gateway.post(token, TestGateway.toolCall(3, "list_files", "{}"))
                .header("Mcp-Session-Id", session));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("WWW-Authenticate").orElse("")).contains("insufficient_scope", "read:files");
    }

    @Test
    void flowWithAPreRegisteredClientIdLogsInWithoutRegisteringAnother() throws Exception {
        HttpResponse<String> registered = gateway.http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(gateway.server.baseUrl() + "/oauth/register"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"http://127.0.0.1/callback\"],"
                        + "\"token_endpoint_auth_method\":\"none\",\"client_name\":\"pre-registered\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String clientId = TestGateway.json(registered.body()).path("client_id").asText();

        Cli.Result flow = Cli.run("flow", gateway.mcpUrl(), "--client-id", clientId, "--json", "--no-browser", "--timeout", "30s");

        assertThat(flow.exitCode()).as(flow.err()).isZero();
        JsonNode json = TestGateway.json(flow.out());
        assertThat(json.path("client_id").asText()).isEqualTo(clientId);
        assertThat(callAddNumbers(json.path("access_token").asText()).at("/result/structuredContent/result").asInt()).isEqualTo(5);
        assertThat(flow.err()).doesNotContain("register:").doesNotContain("Exception");
    }

    @Test
    void flowAgainstNothingListeningFailsWithOneLineAndExitOne() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Cli.Result flow = Cli.run("flow", "http://127.0.0.1:" + closedPort + "/mcp", "--no-browser", "--timeout", "5s");

        assertThat(flow.exitCode()).isEqualTo(1);
        assertThat(flow.out()).isEmpty();
        assertThat(flow.err()).startsWith("mcp-auth: ").doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static JsonNode callAddNumbers(String token) throws Exception {
        String session = gateway.initialize(token);
        HttpResponse<String> res = gateway.send(gateway.post(token, TestGateway.toolCall(2, "add_numbers", "{\"a\":2,\"b\":3}"))
                .header("Mcp-Session-Id", session));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return TestGateway.message(res);
    }
}
