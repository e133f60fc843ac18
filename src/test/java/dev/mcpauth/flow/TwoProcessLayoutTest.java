package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-process layout: {@code mcp-auth authserver} on its own port issues tokens, {@code mcp-auth serve --issuer}
 * validates them through RFC 8414 discovery of the AS's JWKS (or the shared HS256 secret).
 */
class TwoProcessLayoutTest {

    static final String OTHER_RESOURCE = "http://127.0.0.1:1/other-mcp";
    static final String SECRET = "two-process-shared-secret-at-least-32-bytes";

    @TempDir
    Path filesRoot;

    @Test
    void flowAgainstServeLogsInAtTheSeparateAuthServerAndTheTokenCallsATool() throws Exception {
        int servePort = freePort();
        String mcpUrl = "http://127.0.0.1:" + servePort + "/mcp";
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--auto-approve", "--resource", mcpUrl);
             TestGateway serve = TestGateway.start(Cli.serveConfig("--port", String.valueOf(servePort), "--issuer", as.issuer(),
                     "--files-root", filesRoot.toString()))) {
            Cli.Result flow = Cli.run("flow", mcpUrl, "--json", "--no-browser", "--timeout", "30s");

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            assertThat(flow.err()).contains("authorization server " + as.issuer()).contains("flow: token: access token received");
            JsonNode tokens = TestGateway.json(flow.out());
            assertThat(tokens.path("issuer").asText()).isEqualTo(as.issuer());
            assertThat(addNumbers(serve, tokens.path("access_token").asText())).isEqualTo(5);
        }
    }

    @Test
    void tokenTheAuthServerIssuedForAnotherResourceIsRefusedByServe() throws Exception {
        int servePort = freePort();
        String mcpUrl = "http://127.0.0.1:" + servePort + "/mcp";
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--resource", mcpUrl, "--resource", OTHER_RESOURCE,
                     "--client", "svc:svc-secret-0123456789:math:calculate");
             TestGateway serve = TestGateway.start(Cli.serveConfig("--port", String.valueOf(servePort), "--issuer", as.issuer(),
                     "--files-root", filesRoot.toString()))) {
            String forServe = clientCredentials(serve, as, mcpUrl);
            String forOther = clientCredentials(serve, as, OTHER_RESOURCE);

            // The same client, the same AS: only the audience differs, so it alone explains the refusal.
            assertThat(addNumbers(serve, forServe)).isEqualTo(5);
            HttpResponse<String> refused = serve.send(serve.post(forOther, TestGateway.initializeBody()));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token").contains("resource_metadata=");
        }
    }

    @Test
    void sharedSecretLayoutWorksWithTheSameSecretOnBothSides() throws Exception {
        int servePort = freePort();
        String mcpUrl = "http://127.0.0.1:" + servePort + "/mcp";
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--auto-approve", "--secret", SECRET, "--resource", mcpUrl);
             TestGateway serve = TestGateway.start(Cli.serveConfig("--port", String.valueOf(servePort), "--secret", SECRET,
                     "--issuer", as.issuer(), "--authorization-server", as.issuer(), "--files-root", filesRoot.toString()))) {
            assertThat(as.banner()).contains("HS256").doesNotContain(SECRET);
            Cli.Result flow = Cli.run("flow", mcpUrl, "--no-browser", "--timeout", "30s");

            assertThat(flow.exitCode()).as(flow.err()).isZero();
            String token = flow.outLine();
            assertThat(Cli.run("token", "inspect", token, "--json").out()).contains("\"alg\" : \"HS256\"");
            assertThat(addNumbers(serve, token)).isEqualTo(5);
        }
    }

    @Test
    void serveRefusesTokensOfTheAuthServerWhenItExpectsAnotherIssuer() throws Exception {
        int servePort = freePort();
        String mcpUrl = "http://127.0.0.1:" + servePort + "/mcp";
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--resource", mcpUrl, "--client", "svc:svc-secret-0123456789:math:calculate", "--secret", SECRET);
             TestGateway serve = TestGateway.start(Cli.serveConfig("--port", String.valueOf(servePort), "--secret", SECRET,
                     "--issuer", "http://127.0.0.1:1", "--files-root", filesRoot.toString()))) {
            String token = clientCredentials(serve, as, mcpUrl);

            HttpResponse<String> refused = serve.send(serve.post(token, TestGateway.initializeBody()));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
        }
    }

    @Test
    void serveIntrospectingAtTheAuthServerAsItsOperatorClientSeesARevocation() throws Exception {
        int servePort = freePort();
        String mcpUrl = "http://127.0.0.1:" + servePort + "/mcp";
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--resource", mcpUrl, "--client", "svc:svc-secret-0123456789:math:calculate",
                     "--client", "rs:rs-secret-0123456789");
             TestGateway serve = TestGateway.start(Cli.serveConfig("--port", String.valueOf(servePort),
                     "--introspection-uri", as.issuer() + "/oauth/introspect", "--introspection-client-id", "rs",
                     "--introspection-client-secret", "rs-secret-0123456789", "--introspection-cache-ttl", "1s",
                     "--files-root", filesRoot.toString()))) {
            String token = clientCredentials(serve, as, mcpUrl);
            assertThat(addNumbers(serve, token)).isEqualTo(5);

            String basic = Base64.getEncoder().encodeToString("svc:svc-secret-0123456789".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> revoked = serve.http.send(HttpRequest.newBuilder(URI.create(as.issuer() + "/oauth/revoke"))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(revoked.statusCode()).isEqualTo(200);
            Thread.sleep(1_100); // the introspection cache bound, the documented delay of this layout

            HttpResponse<String> refused = serve.send(serve.post(token, TestGateway.initializeBody()));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
        }
    }

    private static String clientCredentials(TestGateway serve, Cli.AuthServer as, String resource) throws Exception {
        String basic = Base64.getEncoder().encodeToString("svc:svc-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> res = serve.http.send(HttpRequest.newBuilder(URI.create(as.issuer() + "/oauth/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=math%3Acalculate&resource="
                        + java.net.URLEncoder.encode(resource, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return TestGateway.json(res.body()).path("access_token").asText();
    }

    private static int addNumbers(TestGateway serve, String token) throws Exception {
        String session = serve.initialize(token);
        HttpResponse<String> res = serve.send(serve.post(token, TestGateway.toolCall(2, "add_numbers", "{\"a\":2,\"b\":3}"))
                .header("Mcp-Session-Id", session));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return TestGateway.message(res).at("/result/structuredContent/result").asInt();
    }

    /** serve must know its port before it starts (it is the audience the AS issues for), so one is reserved here. */
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
