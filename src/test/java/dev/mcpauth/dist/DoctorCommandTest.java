package dev.mcpauth.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.cli.Main;
import dev.mcpauth.token.Keys;
import dev.mcpauth.token.TokenMinter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code mcp-auth doctor} against a local issuer (metadata, JWKS, introspection) over real HTTP. */
class DoctorCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JWK key = Keys.generate(JWSAlgorithm.ES256);
    private HttpServer issuerServer;
    private String issuer;
    private int freePort;

    @BeforeEach
    void startIssuer() throws Exception {
        issuerServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + issuerServer.getAddress().getPort();
        respond("/.well-known/oauth-authorization-server", 200, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"introspection_endpoint\":\"" + issuer + "/introspect\"}");
        respond("/jwks", 200, "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}");
        issuerServer.createContext("/introspect", ex -> {
            boolean authorized = "Basic Z2F0ZXdheTpzM2NyZXQ=".equals(ex.getRequestHeaders().getFirst("Authorization")); // gateway:s3cret
            byte[] body = (authorized ? "{\"active\":false}" : "{\"error\":\"invalid_client\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(authorized ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        issuerServer.start();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = s.getLocalPort();
        }
    }

    @AfterEach
    void stopIssuer() {
        issuerServer.stop(0);
    }

    private void respond(String path, int status, String json) {
        issuerServer.createContext(path, ex -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
    }

    private String token(String audience) {
        return TokenMinter.withKey(key).token().issuer(issuer).subject("alice").clientId("app").audience(audience)
                .scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
    }

    @Test
    void issuerJwksSampleTokenAndFreePortAllPass() throws Exception {
        Run run = doctor("--issuer", issuer, "--port", String.valueOf(freePort), "--token", token("http://127.0.0.1:" + freePort + "/mcp"), "--json");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(run.json().path("ok").asBoolean()).isTrue();
        assertThat(statuses(run)).containsExactly("config=PASS", "issuer=PASS", "jwks=PASS", "token=PASS", "policy=PASS", "port=PASS");
        assertThat(run.out).contains("1 signing key(s) at " + issuer + "/jwks").contains("sub=alice");
    }

    @Test
    void tokenForAnotherAudienceFailsWithAHintAboutAudience() throws Exception {
        Run run = doctor("--issuer", issuer, "--port", String.valueOf(freePort), "--token", token("https://elsewhere.example/mcp"), "--json");
        assertThat(run.exit).isEqualTo(Main.EXIT_FAILURE);
        JsonNode check = check(run, "token");
        assertThat(check.path("status").asText()).isEqualTo("FAIL");
        assertThat(check.path("hint").asText()).contains("--audience").contains("http://127.0.0.1:" + freePort + "/mcp");
    }

    @Test
    void unreachableIssuerFailsWithAHintAndTheTableSaysFail() throws Exception {
        Run run = doctor("--issuer", "http://127.0.0.1:" + freePort + "/realms/demo", "--port", "0", "--timeout", "3s");
        assertThat(run.exit).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.out).containsPattern("FAIL\\s+issuer").contains("hint: --issuer must be exactly").containsPattern("PASS\\s+port");
    }

    @Test
    void introspectionEndpointIsProbedWithTheClientCredentials() throws Exception {
        Run ok = doctor("--introspection-uri", issuer + "/introspect", "--introspection-client-id", "gateway",
                "--introspection-client-secret", "s3cret", "--port", "0", "--json");
        assertThat(ok.exit).as(ok.out).isZero();
        assertThat(check(ok, "introspection").path("detail").asText()).contains("active=false");

        Run refused = doctor("--introspection-uri", issuer + "/introspect", "--introspection-client-id", "gateway",
                "--introspection-client-secret", "wrong", "--port", "0", "--json");
        assertThat(refused.exit).isEqualTo(Main.EXIT_FAILURE);
        assertThat(check(refused, "introspection").path("hint").asText()).contains("client credentials");
    }

    @Test
    void portInUseFails() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = doctor("--secret", "a-shared-secret-that-is-at-least-32-bytes", "--port", String.valueOf(taken.getLocalPort()), "--json");
            assertThat(run.exit).isEqualTo(Main.EXIT_FAILURE);
            assertThat(check(run, "port").path("status").asText()).isEqualTo("FAIL");
            assertThat(check(run, "token").path("status").asText()).isEqualTo("SKIP");
        }
    }

    @Test
    void shortSharedSecretAndConflictingOptionsFail() throws Exception {
        Run shortSecret = doctor("--secret", "short", "--port", "0", "--json");
        assertThat(check(shortSecret, "secret").path("status").asText()).isEqualTo("FAIL");
        Run conflict = doctor("--secret", "a-shared-secret-that-is-at-least-32-bytes", "--introspection-uri", issuer + "/introspect", "--port", "0", "--json");
        assertThat(conflict.exit).isEqualTo(Main.EXIT_FAILURE);
        assertThat(check(conflict, "config").path("detail").asText()).contains("choose one way to validate tokens");
    }

    @Test
    void settingsComeFromTheConfigFileLikeServe(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path yaml = dir.resolve("mcp-auth.yaml");
        java.nio.file.Files.writeString(yaml, "issuer: " + issuer + "\nport: 0\n");
        Run run = doctor("--config", yaml.toString(), "--json");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(statuses(run)).containsExactly("config=PASS", "issuer=PASS", "jwks=PASS", "token=SKIP", "policy=PASS", "port=PASS");
    }

    private record Run(int exit, String out) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static List<String> statuses(Run run) throws Exception {
        List<String> s = new ArrayList<>();
        run.json().path("checks").forEach(c -> s.add(c.path("name").asText() + "=" + c.path("status").asText()));
        return s;
    }

    private static JsonNode check(Run run, String name) throws Exception {
        for (JsonNode c : run.json().path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + run.out);
    }

    /** Runs {@code mcp-auth doctor} in this JVM and captures what it prints. */
    private static Run doctor(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "doctor";
        System.arraycopy(args, 0, full, 1, args.length);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(full);
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
