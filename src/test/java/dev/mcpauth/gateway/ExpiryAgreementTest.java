package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.mcp.McpServerFactory;
import dev.mcpauth.mcp.StdioFront;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import dev.mcpauth.support.TestGateway;
import dev.mcpauth.token.TokenMinter;
import dev.mcpauth.token.TokenVerifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One expiry rule, the verifier's (exp + clock skew, 60 s here): {@code token verify}, {@code serve} over HTTP and
 * {@code serve --stdio} accept a token 2 s past its exp alike, and refuse one past exp + skew alike.
 */
class ExpiryAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;
    TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.sharedSecret(root, false);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    /** A token for the gateway whose exp lies {@code secondsAgo} in the past. */
    private String expiredSecondsAgo(long secondsAgo) {
        Clock issued = Clock.fixed(Instant.now().minusSeconds(secondsAgo + 300), ZoneOffset.UTC);
        return TokenMinter.withSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)).withClock(issued).token()
                .subject("alice").clientId("test-client").audience(gateway.mcpUrl()).ttl(Duration.ofSeconds(300)).mint();
    }

    private int tokenVerify(String token) {
        return Cli.run("token", "verify", token, "--secret", TestGateway.SECRET, "--resource", gateway.mcpUrl(), "--clock-skew", "60s").exitCode();
    }

    private HttpResponse<String> initialize(String token) throws Exception {
        return gateway.send(gateway.post(token, TestGateway.initializeBody()));
    }

    /** serve --stdio's front, its credential re-verified on each call exactly as StdioRunner builds it. */
    private JsonNode stdioToolsList(String token) throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
        TokenVerifier verifier = Verifiers.forConfig(config.auth(), config.jwt(), gateway.mcpUrl(), null, null);
        String input = TestGateway.initializeBody() + "\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        McpServerFactory factory = new McpServerFactory(gateway.server.catalog(), Policy.of(ScopePolicy.of(Map.of(), Set.of())), "mcp-auth", "test", null);
        new StdioFront(factory, () -> verifier.verify(token), new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
                Duration.ofSeconds(10)).run();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode message = JSON.readTree(line);
            if (message.path("id").asInt() == 2) {
                return message;
            }
        }
        throw new AssertionError("no reply to tools/list: " + out);
    }

    @Test
    void tokenTwoSecondsPastExpIsAcceptedByTokenVerifyAndByServeOverHttpAndStdio() throws Exception {
        String token = expiredSecondsAgo(2);

        assertThat(tokenVerify(token)).as("token verify").isZero();
        HttpResponse<String> http = initialize(token);
        assertThat(http.statusCode()).as("serve over HTTP: " + http.body()).isEqualTo(200);
        JsonNode stdio = stdioToolsList(token);
        assertThat(stdio.has("result")).as("serve --stdio: " + stdio).isTrue();
        assertThat(stdio.at("/result/tools")).as("the tools a valid token may see").isNotEmpty();
    }

    @Test
    void tokenPastExpPlusSkewIsRefusedByTokenVerifyAndByServeOverHttpAndStdio() throws Exception {
        String token = expiredSecondsAgo(61);

        assertThat(tokenVerify(token)).as("token verify").isEqualTo(1);
        HttpResponse<String> http = initialize(token);
        assertThat(http.statusCode()).isEqualTo(401);
        assertThat(http.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token").containsIgnoringCase("expired");
        JsonNode stdio = stdioToolsList(token);
        assertThat(stdio.at("/error/data/error").asText()).isEqualTo("invalid_token");
        assertThat(stdio.at("/error/message").asText()).containsIgnoringCase("expired");
    }
}
