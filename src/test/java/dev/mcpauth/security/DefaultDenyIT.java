package dev.mcpauth.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.support.JarProcess;
import dev.mcpauth.token.TokenMinter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real program ({@code serve} with its embedded authorization server) refuses every door SECURITY.md does not
 * list: on each route, every method its rows leave out is a 4xx, with and without a valid token; paths the table does
 * not name are 404.
 */
class DefaultDenyIT {

    private static final String SECRET = "default-deny-test-secret-at-least-32-bytes";
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");

    @TempDir
    static Path workDir;
    static Process serve;
    static String base;
    static String token;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        serve = JarProcess.start(Map.of(), "serve", "--port", String.valueOf(port), "--embedded-as", "--secret", SECRET,
                "--files-root", workDir.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (send("GET", "/health", null).statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !serve.isAlive()) {
                throw new AssertionError("serve did not answer /health: " + new String(serve.getErrorStream().readNBytes(4000), StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        token = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token().issuer(base).subject("mallory")
                .clientId("default-deny").audience(base + "/mcp").scope("read:files", "execute:commands", "read:user", "math:calculate")
                .ttl(Duration.ofMinutes(5)).mint();
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyMethodTheTableDoesNotListIsRefusedOnEveryRoute() throws Exception {
        Map<String, Set<String>> routes = SecurityModel.read().routes();
        assertThat(routes).containsKeys("/mcp", "/oauth/token", "/oauth/register");
        List<String> opened = new ArrayList<>();
        for (var route : routes.entrySet()) {
            for (String method : METHODS) {
                if (route.getValue().contains(method)) {
                    continue;
                }
                for (String bearer : new String[] {null, token}) {
                    int status = send(method, route.getKey(), bearer).statusCode();
                    if (status < 400 || status >= 500) {
                        opened.add(method + " " + route.getKey() + (bearer == null ? "" : " (with a token)") + " answered " + status);
                    }
                }
            }
        }
        assertThat(opened).as("methods SECURITY.md does not list must be refused").isEmpty();
    }

    @Test
    void pathsTheTableDoesNotNameAre404() throws Exception {
        for (String path : List.of("/", "/admin", "/oauth", "/oauth/", "/oauth/clients", "/oauth/userinfo", "/.well-known/",
                "/.well-known/jwks.json", "/oauth/token/../../admin", "/%2e%2e/etc/passwd", "/mcp2", "/HEALTH", "/oauth/TOKEN")) {
            for (String bearer : new String[] {null, token}) {
                HttpResponse<String> res = send("GET", path, bearer);
                assertThat(res.statusCode()).as("GET " + path).isEqualTo(404);
                assertThat(res.body()).as(path).startsWith("{").doesNotContain("Exception", "io.undertow");
            }
        }
    }

    private static HttpResponse<String> send(String method, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, method.equals("POST") || method.equals("PUT") || method.equals("PATCH")
                        ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
