package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.authserver.Pkce;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} with its embedded authorization server: a token the AS revokes (RFC 7009, code replay per RFC 9700
 * §4.5, refresh reuse per §4.14) is refused at /mcp on the next request, although the resource side cached it.
 */
class EmbeddedAuthServerRevocationTest {
    static final String REDIRECT = "http://127.0.0.1:7777/callback";

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
    void revokedAccessTokenIsRefusedAtMcpAtOnce() throws Exception {
        String client = registerPublicClient();
        JsonNode tokens = codeFlow(client).tokens();
        String access = tokens.path("access_token").asText();
        assertAccepted(access);

        assertThat(postForm("/oauth/revoke", Map.of("token", access, "client_id", client)).statusCode()).isEqualTo(200);

        assertRefusedAsInvalidToken(access);
    }

    @Test
    void revokingTheRefreshTokenEndsItsAccessTokensAtMcp() throws Exception {
        String client = registerPublicClient();
        JsonNode tokens = codeFlow(client).tokens();
        String access = tokens.path("access_token").asText();
        assertAccepted(access);

        postForm("/oauth/revoke", Map.of("token", tokens.path("refresh_token").asText(), "client_id", client));

        assertRefusedAsInvalidToken(access);
    }

    @Test
    void replayedAuthorizationCodeEndsTheTokensIssuedFromItAtMcp() throws Exception {
        String client = registerPublicClient();
        Issued first = codeFlow(client);
        String access = first.tokens().path("access_token").asText();
        assertAccepted(access);

        HttpResponse<String> replay = postForm("/oauth/token", first.codeRequest());
        assertThat(replay.statusCode()).isEqualTo(400);

        assertRefusedAsInvalidToken(access);
    }

    @Test
    void reusedRefreshTokenEndsTheWholeFamilyAtMcp() throws Exception {
        String client = registerPublicClient();
        JsonNode first = codeFlow(client).tokens();
        String r1 = first.path("refresh_token").asText();
        JsonNode second = refresh(client, r1);
        JsonNode third = refresh(client, second.path("refresh_token").asText());
        String a1 = first.path("access_token").asText();
        String a3 = third.path("access_token").asText();
        assertAccepted(a1);
        assertAccepted(a3);

        // r1 was rotated and its successor used since: a replay, so the grant ends.
        HttpResponse<String> reuse = postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", r1, "client_id", client));
        assertThat(reuse.statusCode()).isEqualTo(400);

        assertRefusedAsInvalidToken(a1);
        assertRefusedAsInvalidToken(a3);
    }

    @Test
    void selfRegisteredClientCredentialsClientIsRefusedSoNoTokenReachesMcp() throws Exception {
        try (TestGateway consent = TestGateway.start(Cli.serveConfig("--port", "0", "--files-root", filesRoot.toString()))) {
            HttpResponse<String> registration = consent.http.send(HttpRequest.newBuilder(URI.create(consent.server.baseUrl() + "/oauth/register"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"client_secret_basic\","
                            + "\"scope\":\"execute:commands\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registration.statusCode()).isEqualTo(400);
            JsonNode error = TestGateway.json(registration.body());
            assertThat(error.path("error").asText()).isEqualTo("invalid_client_metadata");
            assertThat(error.path("error_description").asText()).contains("client_credentials");
            assertThat(error.has("client_secret")).isFalse();
        }
    }

    // --- the client side, over real HTTP ---

    record Issued(JsonNode tokens, Map<String, String> codeRequest) {
    }

    private static String registerPublicClient() throws Exception {
        HttpResponse<String> r = gateway.http.send(HttpRequest.newBuilder(URI.create(gateway.server.baseUrl() + "/oauth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\","
                        + "\"grant_types\":[\"authorization_code\",\"refresh_token\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestGateway.json(r.body()).path("client_id").asText();
    }

    /** Authorization code + PKCE, auto-approved, then the code exchanged: the tokens and the exchange request. */
    private static Issued codeFlow(String client) throws Exception {
        String verifier = Pkce.newVerifier();
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", client);
        q.put("redirect_uri", REDIRECT);
        q.put("code_challenge", Pkce.challenge(verifier));
        q.put("code_challenge_method", "S256");
        q.put("resource", gateway.mcpUrl());
        q.put("scope", "math:calculate");
        q.put("state", "s");
        HttpResponse<String> redirect = gateway.get("/oauth/authorize?" + form(q));
        String location = redirect.headers().firstValue("Location").orElseThrow(() -> new AssertionError(redirect.statusCode() + " " + redirect.body()));
        String code = query(URI.create(location)).get("code");
        Map<String, String> exchange = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", verifier, "client_id", client);
        HttpResponse<String> r = postForm("/oauth/token", exchange);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new Issued(TestGateway.json(r.body()), exchange);
    }

    private static JsonNode refresh(String client, String refreshToken) throws Exception {
        HttpResponse<String> r = postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", client));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestGateway.json(r.body());
    }

    private static HttpResponse<String> postForm(String path, Map<String, String> f) throws Exception {
        return gateway.http.send(HttpRequest.newBuilder(URI.create(gateway.server.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(f))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Accepted at /mcp, so the resource side now holds the token in its cache. */
    private static void assertAccepted(String token) throws Exception {
        HttpResponse<String> r = gateway.send(gateway.post(token, TestGateway.initializeBody()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static void assertRefusedAsInvalidToken(String token) throws Exception {
        HttpResponse<String> r = gateway.send(gateway.post(token, TestGateway.initializeBody()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
    }

    private static String form(Map<String, String> f) {
        return f.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
