package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.authserver.Pkce;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} with its embedded authorization server and {@code policy.implies}: the AS grants the broader scope a
 * client asks for ({@code files:write}), and /mcp lets that token call a tool that needs the narrower {@code read:files}.
 */
class EmbeddedAuthServerImpliesTest {

    private static final String REDIRECT = "http://127.0.0.1:7777/callback";

    @TempDir
    Path root;

    @Test
    void aClientGrantedTheBroaderScopeCallsAToolThatNeedsTheNarrowerOne() throws Exception {
        Path config = Files.writeString(root.resolve("mcp-auth.yaml"), "policy:\n  implies:\n    files:write: [read:files]\n");
        try (TestGateway gw = TestGateway.start(Cli.serveConfig("--config", config.toString(), "--port", "0", "--auto-approve",
                "--files-root", root.toString()))) {
            JsonNode metadata = TestGateway.json(gw.get("/.well-known/oauth-authorization-server").body());
            assertThat(metadata.path("scopes_supported").toString()).contains("\"files:write\"");

            JsonNode tokens = codeFlow(gw, register(gw), "files:write");
            assertThat(tokens.path("scope").asText()).isEqualTo("files:write");
            String access = tokens.path("access_token").asText();

            HttpResponse<String> call = gw.send(gw.post(access, TestGateway.toolCall(3, "list_files", "{}")).header("Mcp-Session-Id", gw.initialize(access)));
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            assertThat(TestGateway.message(call).path("result").path("isError").asBoolean(false)).isFalse();
            // The narrower scope does not imply the broader one: execute_command stays out of reach.
            HttpResponse<String> beyond = gw.send(gw.post(access, TestGateway.toolCall(4, "execute_command", "{\"command\":\"echo\"}"))
                    .header("Mcp-Session-Id", gw.initialize(access)));
            assertThat(beyond.statusCode()).isEqualTo(403);
        }
    }

    /**
     * A scope the policy names (here a tool rule's) is one the embedded AS grants: it offered only its demo scopes and
     * the implications', so a gateway whose policy asked for its own scope could never be satisfied by its own AS
     * (invalid_scope at /oauth/authorize while the 403 challenge asked for that very scope). A scope the policy does
     * not name stays refused.
     */
    @Test
    void aScopeThePolicyAsksForIsOneItsEmbeddedServerGrantsAndNoOther() throws Exception {
        Path config = Files.writeString(root.resolve("mcp-auth.yaml"), "policy:\n  tools:\n    add_numbers: calc:premium\n");
        try (TestGateway gw = TestGateway.start(Cli.serveConfig("--config", config.toString(), "--port", "0", "--auto-approve",
                "--files-root", root.toString()))) {
            String client = register(gw);
            HttpResponse<String> challenge = gw.send(gw.post(codeFlow(gw, client, "math:calculate").path("access_token").asText(),
                    TestGateway.toolCall(2, "add_numbers", "{\"a\":1,\"b\":2}")));
            assertThat(challenge.statusCode()).isEqualTo(403);
            assertThat(challenge.headers().firstValue("WWW-Authenticate").orElse("")).contains("calc:premium");
            JsonNode metadata = TestGateway.json(gw.get("/.well-known/oauth-authorization-server").body());
            assertThat(metadata.path("scopes_supported").toString()).contains("\"calc:premium\"");

            JsonNode tokens = codeFlow(gw, client, "calc:premium");
            assertThat(tokens.path("scope").asText()).isEqualTo("calc:premium");
            String access = tokens.path("access_token").asText();
            HttpResponse<String> call = gw.send(gw.post(access, TestGateway.toolCall(3, "add_numbers", "{\"a\":40,\"b\":2}"))
                    .header("Mcp-Session-Id", gw.initialize(access)));
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            assertThat(TestGateway.message(call).at("/result/structuredContent/result").asInt()).isEqualTo(42);

            HttpResponse<String> unnamed = gw.get("/oauth/authorize?" + form(Map.of("response_type", "code", "client_id", client,
                    "redirect_uri", REDIRECT, "code_challenge", Pkce.challenge(Pkce.newVerifier()), "code_challenge_method", "S256",
                    "resource", gw.mcpUrl(), "scope", "calc:everything", "state", "s")));
            assertThat(unnamed.headers().firstValue("Location").orElse("")).contains("error=invalid_scope");
        }
    }

    /** A reload (SIGHUP) cannot widen the running AS: a new policy that needs a scope it lacks says so, naming it. */
    @Test
    void aReloadThatNeedsAScopeTheRunningServerCannotGrantSaysSo() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of()), root, true);
        try (TestGateway gw = TestGateway.start(config); LogCapture log = new LogCapture(GatewayServer.class.getName())) {
            gw.server.reload(new GatewayConfig(config.listener(), config.auth(), config.jwt(),
                    new GatewayConfig.Policy(Map.of("add_numbers", Set.of("calc:premium")), Set.of()), config.tools(), config.edge(),
                    config.scopeUpgradeEndpoint(), config.authorizationServers(), config.upstreams()));

            assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN").contains("[calc:premium]").contains("restart"));
            assertThat(TestGateway.json(gw.get("/.well-known/oauth-authorization-server").body()).path("scopes_supported").toString())
                    .as("the running AS is unchanged").doesNotContain("calc:premium");
        }
    }

    private static String register(TestGateway gw) throws Exception {
        HttpResponse<String> r = gw.http.send(HttpRequest.newBuilder(URI.create(gw.server.baseUrl() + "/oauth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\","
                        + "\"grant_types\":[\"authorization_code\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestGateway.json(r.body()).path("client_id").asText();
    }

    /** Authorization code + PKCE, auto-approved, for {@code scope}; the token response. */
    private static JsonNode codeFlow(TestGateway gw, String client, String scope) throws Exception {
        String verifier = Pkce.newVerifier();
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", client);
        q.put("redirect_uri", REDIRECT);
        q.put("code_challenge", Pkce.challenge(verifier));
        q.put("code_challenge_method", "S256");
        q.put("resource", gw.mcpUrl());
        q.put("scope", scope);
        q.put("state", "s");
        HttpResponse<String> redirect = gw.get("/oauth/authorize?" + form(q));
        String location = redirect.headers().firstValue("Location").orElseThrow(() -> new AssertionError(redirect.statusCode() + " " + redirect.body()));
        String code = null;
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                code = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        assertThat(code).as(location).isNotNull();
        HttpResponse<String> r = gw.http.send(HttpRequest.newBuilder(URI.create(gw.server.baseUrl() + "/oauth/token")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code", "code", code,
                        "redirect_uri", REDIRECT, "code_verifier", verifier, "client_id", client)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestGateway.json(r.body());
    }

    private static String form(Map<String, String> f) {
        return f.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
