package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consent page as a person meets it: headless Chromium (driven by playwright-core in src/test/browser) opens the
 * authorization URL of {@code serve}'s embedded AS (consent mode), signs in as demo/demo and clicks Approve or Deny;
 * the browser is redirected to a real loopback listener here, and the code is exchanged for a token that calls a tool.
 */
class ConsentPageBrowserTest {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path filesRoot;
    static TestGateway serve;

    Undertow callbackServer;
    String redirectUri;
    final CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        if (Files.isExecutable(CHROMIUM)) {
            serve = TestGateway.start(Cli.serveConfig("--port", "0", "--files-root", filesRoot.toString()));
        }
    }

    @AfterAll
    static void stop() {
        if (serve != null) {
            serve.close();
        }
    }

    /** The client's loopback redirect URI (RFC 8252 §7.3): records the query and tells the person they may close the tab. */
    @BeforeEach
    void listenForTheRedirect() {
        // Checked per test, so that each shows as skipped with this reason.
        assumeTrue(serve != null, "Chromium is not installed at " + CHROMIUM
                + " (apt-get install chromium): consent-page browser test skipped");
        callbackServer = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            Map<String, String> query = new LinkedHashMap<>();
            exchange.getQueryParameters().forEach((k, v) -> query.put(k, v.getFirst()));
            callback.complete(query);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
            exchange.getResponseSender().send("<!DOCTYPE html><title>Signed in</title><p>You can close this tab.</p>");
        }).build();
        callbackServer.start();
        int port = ((InetSocketAddress) callbackServer.getListenerInfo().get(0).getAddress()).getPort();
        redirectUri = "http://127.0.0.1:" + port + "/callback";
    }

    @AfterEach
    void stopListening() {
        if (callbackServer != null) {
            callbackServer.stop();
        }
    }

    @Test
    void approvingInTheBrowserRedirectsWithACodeThatBecomesAWorkingToken() throws Exception {
        String clientId = register();
        CodeVerifier verifier = new CodeVerifier();
        String state = UUID.randomUUID().toString();
        Path screenshot = Path.of("target", "consent-page.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);

        JsonNode page = browser(authorizationUrl(clientId, verifier, state), "approve", "demo", "demo", screenshot, true);

        assertThat(page.has("error")).as(page.toString()).isFalse();
        assertThat(page.path("consentStatus").asInt()).isEqualTo(200);
        assertThat(page.path("consentTitle").asText()).isEqualTo("Authorize Browser Test Client");
        assertThat(texts(page.path("scopes"))).containsExactlyInAnyOrder("math:calculate", "read:files");
        assertThat(Files.size(screenshot)).isGreaterThan(1000);
        assertThat(page.path("finalUrl").asText()).startsWith(redirectUri + "?");
        assertThat(page.path("finalBody").asText()).contains("You can close this tab");
        Map<String, String> redirect = callback.get(10, TimeUnit.SECONDS);
        assertThat(redirect).containsEntry("state", state).containsEntry("iss", serve.server.authServer().issuer()).containsKey("code");

        String token = exchange(clientId, redirect.get("code"), verifier);
        String session = serve.initialize(token);
        HttpResponse<String> call = serve.send(serve.post(token, TestGateway.toolCall(2, "add_numbers", "{\"a\":40,\"b\":2}"))
                .header("Mcp-Session-Id", session));
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        assertThat(TestGateway.message(call).at("/result/structuredContent/result").asInt()).isEqualTo(42);
    }

    @Test
    void denyingInTheBrowserRedirectsWithAccessDenied() throws Exception {
        String clientId = register();
        String state = UUID.randomUUID().toString();

        JsonNode page = browser(authorizationUrl(clientId, new CodeVerifier(), state), "deny", "", "", null, true);

        assertThat(page.has("error")).as(page.toString()).isFalse();
        Map<String, String> redirect = callback.get(10, TimeUnit.SECONDS);
        assertThat(redirect).containsEntry("error", "access_denied").containsEntry("state", state).doesNotContainKey("code");
        assertThat(page.path("finalUrl").asText()).startsWith(redirectUri).contains("error=access_denied");
    }

    @Test
    void aWrongPasswordKeepsThePersonOnTheConsentPageWithAMessage() throws Exception {
        String clientId = register();

        JsonNode page = browser(authorizationUrl(clientId, new CodeVerifier(), "s1"), "approve", "demo", "not-the-password", null, false);

        assertThat(page.has("error")).as(page.toString()).isFalse();
        assertThat(page.path("errorText").asText()).isNotBlank();
        assertThat(page.path("finalUrl").asText()).startsWith(serve.server.baseUrl() + "/oauth/authorize");
        assertThat(callback).isNotDone();
    }

    private String register() throws Exception {
        String body = JSON.writeValueAsString(Map.of(
                "client_name", "Browser Test Client",
                "redirect_uris", List.of(redirectUri),
                "grant_types", List.of("authorization_code", "refresh_token"),
                "response_types", List.of("code"),
                "token_endpoint_auth_method", "none",
                "scope", "math:calculate read:files"));
        HttpResponse<String> res = serve.http.send(HttpRequest.newBuilder(URI.create(serve.server.baseUrl() + "/oauth/register"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return TestGateway.json(res.body()).path("client_id").asText();
    }

    private String authorizationUrl(String clientId, CodeVerifier verifier, String state) {
        return serve.server.baseUrl() + "/oauth/authorize?response_type=code"
                + "&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(redirectUri)
                + "&scope=" + enc("math:calculate read:files")
                + "&state=" + enc(state)
                + "&code_challenge=" + enc(CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue())
                + "&code_challenge_method=S256"
                + "&resource=" + enc(serve.mcpUrl());
    }

    private String exchange(String clientId, String code, CodeVerifier verifier) throws Exception {
        String form = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(redirectUri)
                + "&client_id=" + enc(clientId) + "&code_verifier=" + enc(verifier.getValue()) + "&resource=" + enc(serve.mcpUrl());
        HttpResponse<String> res = serve.http.send(HttpRequest.newBuilder(URI.create(serve.server.baseUrl() + "/oauth/token"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return TestGateway.json(res.body()).path("access_token").asText();
    }

    private JsonNode browser(String url, String decision, String username, String password, Path screenshot, boolean expectRedirect)
            throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("url", url);
        args.put("decision", decision);
        args.put("username", username);
        args.put("password", password);
        args.put("screenshot", screenshot == null ? null : screenshot.toString());
        args.put("callbackPrefix", redirectUri);
        args.put("expectRedirect", expectRedirect);
        return NodeClients.runIn(NodeClients.BROWSER, "playwright-core", "consent.mjs", JSON.writeValueAsString(args));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
