package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The authorization_code grant at the token endpoint (OAuth 2.1 §4.1.3, RFC 7636 §4.6, RFC 9700 §4.5). */
class AuthorizationCodeGrantTest {
    static TestAuthServer server;
    static TestAuthServer.Client client;

    @BeforeAll
    static void start() {
        server = TestAuthServer.start(b -> b.autoApprove(true).client(TestAuthServer.RESOURCE_SERVER));
        client = server.registerPublicClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertTokenError(HttpResponse<String> r, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo(error);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void codeWithTheRightVerifierYieldsBearerTokens() {
        String verifier = Pkce.newVerifier();
        HttpResponse<String> r = server.exchangeCode(client, server.authorizeCode(client, verifier, "read:files math:calculate"), verifier);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode t = TestAuthServer.json(r);
        assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.get("expires_in").asLong()).isEqualTo(900);
        assertThat(t.get("scope").asText()).isEqualTo("read:files math:calculate");
        assertThat(t.get("access_token").asText().split("\\.")).hasSize(3);
        assertThat(t.get("refresh_token").asText()).hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void wrongCodeVerifierIsInvalidGrant() {
        String code = server.authorizeCode(client, Pkce.newVerifier(), "read:files");
        assertTokenError(server.exchangeCode(client, code, Pkce.newVerifier()), "invalid_grant");
    }

    @Test
    void missingCodeVerifierIsInvalidRequest() {
        String code = server.authorizeCode(client, Pkce.newVerifier(), "read:files");
        Map<String, String> f = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", TestAuthServer.REDIRECT, "client_id", client.id()));
        assertTokenError(server.postForm("/oauth/token", f), "invalid_request");
    }

    @Test
    void replayedCodeIsInvalidGrantAndRevokesTheTokensIssuedFromIt() {
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(client, verifier, "read:files");
        JsonNode first = TestAuthServer.json(server.exchangeCode(client, code, verifier));
        String access = first.get("access_token").asText();
        String refresh = first.get("refresh_token").asText();
        assertThat(server.introspect(access).get("active").asBoolean()).isTrue();

        assertTokenError(server.exchangeCode(client, code, verifier), "invalid_grant");

        assertThat(server.introspect(access).get("active").asBoolean()).isFalse();
        assertThat(server.introspect(refresh).get("active").asBoolean()).isFalse();
        assertTokenError(server.refresh(client, refresh, null), "invalid_grant");
    }

    @Test
    void expiredCodeIsInvalidGrant() {
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(client, verifier, "read:files");
        server.clock.advance(Duration.ofSeconds(61));
        HttpResponse<String> r = server.exchangeCode(client, code, verifier);
        assertTokenError(r, "invalid_grant");
        assertThat(TestAuthServer.json(r).get("error_description").asText()).contains("expired");
    }

    @Test
    void redirectUriMismatchAtTheTokenEndpointIsInvalidGrant() {
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(client, verifier, "read:files");
        Map<String, String> f = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", "http://127.0.0.1:7777/other", "code_verifier", verifier, "client_id", client.id()));
        assertTokenError(server.postForm("/oauth/token", f), "invalid_grant");
    }

    @Test
    void omittedRedirectUriIsInvalidGrantWhenTheAuthorizationRequestHadOne() {
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(client, verifier, "read:files");
        Map<String, String> f = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "code_verifier", verifier, "client_id", client.id()));
        assertTokenError(server.postForm("/oauth/token", f), "invalid_grant");
    }

    @Test
    void codeIssuedToAnotherClientIsInvalidGrant() {
        TestAuthServer.Client other = server.registerPublicClient();
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(client, verifier, "read:files");
        assertTokenError(server.exchangeCode(other, code, verifier), "invalid_grant");
    }

    @Test
    void resourceDifferentFromTheAuthorizationsIsInvalidTarget() {
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(client, verifier, "read:files");
        Map<String, String> f = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", TestAuthServer.REDIRECT,
                "code_verifier", verifier, "client_id", client.id(), "resource", "https://elsewhere.example/mcp"));
        assertTokenError(server.postForm("/oauth/token", f), "invalid_target");
    }

    @Test
    void oversizedFormBodyIsRefusedBeforeItIsRead() {
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "client_id", client.id(),
                "code", "x".repeat(100_000)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void repeatedParameterIsInvalidRequest() {
        HttpResponse<String> r = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=a&code=b&client_id=" + client.id())).build());
        assertTokenError(r, "invalid_request");
    }

    @Test
    void unknownCodeIsInvalidGrant() {
        assertTokenError(server.exchangeCode(client, "not-a-code", Pkce.newVerifier()), "invalid_grant");
    }

    @Test
    void unknownGrantTypeAndMissingClientAreReportedAsJson() {
        HttpResponse<String> unsupported = server.postForm("/oauth/token", Map.of("grant_type", "password", "client_id", client.id()));
        assertTokenError(unsupported, "unsupported_grant_type");
        HttpResponse<String> anonymous = server.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "code", "x"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(TestAuthServer.json(anonymous).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void confidentialClientWithWrongBasicSecretGets401WithBasicChallenge() {
        TestAuthServer.Client confidential = server.register("{\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"]}");
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(confidential, verifier, "read:files");
        Map<String, String> f = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", TestAuthServer.REDIRECT, "code_verifier", verifier);
        HttpResponse<String> wrong = server.postForm("/oauth/token", f, confidential.id(), "wrong-secret");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(TestAuthServer.json(wrong).get("error").asText()).isEqualTo("invalid_client");
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");

        String code2 = server.authorizeCode(confidential, verifier, "read:files");
        Map<String, String> f2 = Map.of("grant_type", "authorization_code", "code", code2, "redirect_uri", TestAuthServer.REDIRECT, "code_verifier", verifier);
        HttpResponse<String> right = server.postForm("/oauth/token", f2, confidential.id(), confidential.secret());
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
    }

    @Test
    void confidentialClientMustUseItsRegisteredAuthenticationMethod() {
        TestAuthServer.Client basicClient = server.register("{\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"]}");
        String verifier = Pkce.newVerifier();
        String code = server.authorizeCode(basicClient, verifier, "read:files");
        Map<String, String> postAuth = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", TestAuthServer.REDIRECT,
                "code_verifier", verifier, "client_id", basicClient.id(), "client_secret", basicClient.secret());
        HttpResponse<String> r = server.postForm("/oauth/token", postAuth);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(TestAuthServer.json(r).get("error_description").asText()).contains("client_secret_basic");
        HttpResponse<String> publicStyle = server.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "code", "c", "client_id", basicClient.id()));
        assertThat(publicStyle.statusCode()).isEqualTo(401);
    }
}
