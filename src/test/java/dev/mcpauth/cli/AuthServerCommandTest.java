package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcp-auth authserver}: the authorization server alone on its own port. */
class AuthServerCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RESOURCE = "http://127.0.0.1:8001/mcp";
    static final String CLIENT = "rs:rs-secret-0123456789abcdef";
    /** The same client, granted scopes for client_credentials (--client ID:SECRET:SCOPES). */
    static final String CLIENT_WITH_SCOPES = CLIENT + ":math:calculate read:files";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void forgedHostIsMisdirectedOnEveryRouteAndAnAllowedHostIsAnswered() throws Exception {
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--allowed-host", "as.internal.example")) {
            for (String path : List.of("/.well-known/oauth-authorization-server", "/oauth/jwks", "/health")) {
                String forged = rawGet(as.port(), path, "evil.example.com");
                assertThat(forged).as(path).startsWith("HTTP/1.1 421").contains("evil.example.com").contains("--allowed-host");
                assertThat(rawGet(as.port(), path, "localhost:" + as.port())).as(path).startsWith("HTTP/1.1 200");
                assertThat(rawGet(as.port(), path, "as.internal.example")).as(path).startsWith("HTTP/1.1 200");
            }
            String register = rawGet(as.port(), "/oauth/register", "attacker.example");
            assertThat(register).startsWith("HTTP/1.1 421");
        }
        assertThat(Main.run("authserver", "--port", "0", "--allowed-host", "https://as.example.com")).isEqualTo(2);
    }

    @Test
    void registrationRateLimitOptionSetsTheLimitAndThe429BodyNamesTheOption() throws Exception {
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--registration-rate-limit", "2")) {
            HttpRequest register = HttpRequest.newBuilder(URI.create(as.issuer() + "/oauth/register"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]}"))
                    .build();
            assertThat(http.send(register, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            assertThat(http.send(register, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            HttpResponse<String> third = http.send(register, HttpResponse.BodyHandlers.ofString());
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.body()).contains("at most 2 registrations per minute").contains("--registration-rate-limit");
        }
        assertThat(Main.run("authserver", "--port", "0", "--registration-rate-limit", "0")).isEqualTo(2);
    }

    /** A GET with a Host header of our choosing: java.net.http does not let a test set it. */
    private static String rawGet(int port, String path, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void bannerNamesTheMetadataAndJwksUrlsAndBothAnswer() throws Exception {
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--client", CLIENT)) {
            String metadataUrl = bannerValue(as.banner(), "metadata");
            String jwksUrl = bannerValue(as.banner(), "jwks");

            assertThat(as.issuer()).isEqualTo("http://127.0.0.1:" + as.port());
            JsonNode metadata = getJson(metadataUrl);
            assertThat(metadata.path("issuer").asText()).isEqualTo(as.issuer());
            assertThat(metadata.path("jwks_uri").asText()).isEqualTo(jwksUrl);
            assertThat(metadata.path("code_challenge_methods_supported").toString()).contains("S256");
            JsonNode jwks = getJson(jwksUrl);
            assertThat(jwks.path("keys")).hasSize(1);
            assertThat(jwks.at("/keys/0").has("d")).isFalse();
            assertThat(as.banner()).contains(jwks.at("/keys/0/kid").asText()).contains("issues tokens for: " + RESOURCE)
                    .contains("consent page, users demo").contains("pre-configured clients: rs").doesNotContain("rs-secret")
                    .contains("mcp-auth serve --issuer " + as.issuer());
            assertThat(getJson(as.issuer() + "/health").path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void tokensSignedWithTheKeyFileVerifyThroughIssuerDiscoveryAsServeDoes() throws Exception {
        Cli.run("keys", "generate", "--alg", "EdDSA", "--out-dir", dir.toString());
        JWK key = JWK.parse(Files.readString(dir.resolve("signing-key.json")));
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--key", dir.resolve("signing-key.json").toString(), "--client", CLIENT_WITH_SCOPES)) {
            assertThat(getJson(bannerValue(as.banner(), "jwks")).at("/keys/0/kid").asText()).isEqualTo(key.getKeyID());
            String token = clientCredentials(as, RESOURCE).path("access_token").asText();

            Cli.Result verify = Cli.run("token", "verify", token, "--issuer", as.issuer(), "--resource", RESOURCE);
            Cli.Result otherResource = Cli.run("token", "verify", token, "--issuer", as.issuer(), "--resource", "http://127.0.0.1:9999/mcp");

            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(JSON.readTree(verify.out()).path("issuer").asText()).isEqualTo(as.issuer());
            assertThat(JSON.readTree(verify.out()).path("client_id").asText()).isEqualTo("rs");
            assertThat(otherResource.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void stateDirKeepsTheSigningKeyAcrossRestarts() throws Exception {
        String firstKid;
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--state-dir", dir.toString())) {
            firstKid = getJson(bannerValue(as.banner(), "jwks")).at("/keys/0/kid").asText();
            assertThat(as.banner()).contains("kept in " + dir.resolve("signing-key.json"));
        }
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--state-dir", dir.toString())) {
            assertThat(getJson(bannerValue(as.banner(), "jwks")).at("/keys/0/kid").asText()).isEqualTo(firstKid);
        }
    }

    @Test
    void preconfiguredClientGetsClientCredentialsTokensItCanIntrospect() throws Exception {
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--client", CLIENT_WITH_SCOPES, "--access-token-ttl", "2m",
                "--resource", RESOURCE, "--resource", "http://127.0.0.1:8002/mcp")) {
            JsonNode issued = clientCredentials(as, "http://127.0.0.1:8002/mcp");
            assertThat(issued.path("expires_in").asInt()).isEqualTo(120);

            HttpResponse<String> introspection = http.send(HttpRequest.newBuilder(URI.create(as.issuer() + "/oauth/introspect"))
                    .header("Authorization", basic(CLIENT)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + issued.path("access_token").asText())).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(introspection.statusCode()).isEqualTo(200);
            JsonNode active = JSON.readTree(introspection.body());
            assertThat(active.path("active").asBoolean()).isTrue();
            assertThat(active.path("aud").toString()).contains("http://127.0.0.1:8002/mcp");
        }
    }

    @Test
    void usersFromOptionsAreNamedInTheBannerWithoutTheirPasswords() {
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--user", "alice:wonderland-pw", "--user", "bob:builder-pw")) {
            assertThat(as.banner()).contains("users alice, bob").doesNotContain("wonderland-pw").doesNotContain("builder-pw");
        }
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--auto-approve", "--user", "alice:wonderland-pw")) {
            assertThat(as.banner()).contains("auto-approve as alice");
        }
    }

    @Test
    void nonLoopbackBindWithoutAnIssuerIsRefusedBeforeListening() {
        Cli.Result r = Cli.run("authserver", "--host", "0.0.0.0", "--port", "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("mcp-auth: --issuer is required when binding to 0.0.0.0");
    }

    @Test
    void badUserOrClientIsRefusedWithoutEchoingTheSecret() {
        Cli.Result r = Cli.run("authserver", "--port", "0", "--client", ":only-a-secret-value");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--client must look like ID:SECRET").doesNotContain("only-a-secret-value");
    }

    @Test
    void portInUseIsOneLineAndExitOne() throws Exception {
        try (Cli.AuthServer as = Cli.authserver("--port", "0")) {
            Cli.Result r = Cli.run("authserver", "--port", String.valueOf(as.port()));

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("mcp-auth: cannot listen on 127.0.0.1:" + as.port());
            assertThat(r.err().strip().lines()).hasSize(1);
        }
    }

    /** A real {@code mcp-auth authserver} process: it stays up after printing its banner, and takes settings from MCP_AUTH_*. */
    @Test
    void realProcessStaysUpAndReadsItsSettingsFromTheEnvironment() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.mcpauth.cli.Main",
                "authserver", "--port", "0", "--client", CLIENT_WITH_SCOPES).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MCP_AUTH_"));
        pb.environment().put("MCP_AUTH_RESOURCE", "http://127.0.0.1:7001/mcp,http://127.0.0.1:7002/mcp");
        pb.environment().put("MCP_AUTH_ACCESS_TOKEN_TTL", "3m");
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))
                    .lines().forEach(lines::add));
            List<String> banner = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (banner.stream().noneMatch(l -> l.contains("resource servers:")) && System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    banner.add(line);
                }
            }
            String text = String.join("\n", banner);
            assertThat(text).contains("issues tokens for: http://127.0.0.1:7001/mcp, http://127.0.0.1:7002/mcp");
            Matcher issuer = Pattern.compile("authorization server (http://127\\.0\\.0\\.1:\\d+)").matcher(text);
            assertThat(issuer.find()).as(text).isTrue();

            Thread.sleep(300);
            assertThat(p.isAlive()).as("the JVM stays up for the server").isTrue();
            JsonNode issued = clientCredentials(issuer.group(1), "http://127.0.0.1:7002/mcp");
            assertThat(issued.path("expires_in").asInt()).isEqualTo(180);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void clientScopesLimitItsClientCredentialsAndWithoutScopesItMayOnlyIntrospect() throws Exception {
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--client", CLIENT_WITH_SCOPES, "--client", "introspector:intro-secret-0123456789")) {
            assertThat(clientCredentials(as, RESOURCE).path("scope").asText()).isEqualTo("math:calculate read:files");
            HttpResponse<String> wider = tokenRequest(as.issuer(), CLIENT, "grant_type=client_credentials&scope=execute%3Acommands");
            assertThat(wider.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(wider.body()).path("error").asText()).isEqualTo("invalid_scope");
            HttpResponse<String> none = tokenRequest(as.issuer(), "introspector:intro-secret-0123456789", "grant_type=client_credentials");
            assertThat(none.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(none.body()).path("error").asText()).isEqualTo("unauthorized_client");
        }
        Cli.Result unknown = Cli.run("authserver", "--port", "0", "--client", "x:x-secret-0123456789:admin:all");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("admin:all").doesNotContain("x-secret-0123456789");
    }

    @Test
    void aRegisteredClientCannotGetAClientCredentialsTokenWithUsersConfigured() throws Exception {
        try (Cli.AuthServer as = Cli.authserver("--port", "0", "--user", "alice:pw")) {
            HttpResponse<String> registration = http.send(HttpRequest.newBuilder(URI.create(as.issuer() + "/oauth/register"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"client_secret_basic\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registration.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(registration.body()).path("error").asText()).isEqualTo("invalid_client_metadata");
            assertThat(JSON.readTree(registration.body()).path("error_description").asText()).contains("client_credentials");
        }
    }

    private HttpResponse<String> tokenRequest(String issuer, String idAndSecret, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth/token"))
                .header("Authorization", basic(idAndSecret)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode clientCredentials(Cli.AuthServer as, String resource) throws Exception {
        return clientCredentials(as.issuer(), resource);
    }

    private JsonNode clientCredentials(String issuer, String resource) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth/token"))
                .header("Authorization", basic(CLIENT)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(url + ": " + res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private static String basic(String idAndSecret) {
        return "Basic " + Base64.getEncoder().encodeToString(idAndSecret.getBytes(StandardCharsets.UTF_8));
    }

    private static String bannerValue(String banner, String label) {
        Matcher m = Pattern.compile("^  " + label + ": (\\S+)", Pattern.MULTILINE).matcher(banner);
        assertThat(m.find()).as(banner).isTrue();
        return m.group(1);
    }
}
