package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The authorization request checks of RFC 6749 §4.1, OAuth 2.1 §4.1.1 and RFC 9700 §4.1, with autoApprove on. */
class AuthorizeEndpointTest {
    static TestAuthServer server;
    static TestAuthServer.Client client;

    @BeforeAll
    static void start() {
        server = TestAuthServer.start(b -> b.autoApprove(true));
        client = server.registerPublicClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> params() {
        return server.authorizeParams(client, Pkce.newVerifier(), "read:files");
    }

    @Test
    void validRequestRedirectsWithCodeStateAndIss() {
        HttpResponse<String> r = server.authorize(params());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith(TestAuthServer.REDIRECT + "?");
        Map<String, String> p = TestAuthServer.redirectParams(r);
        assertThat(p.get("code")).hasSizeGreaterThanOrEqualTo(43);
        assertThat(p.get("state")).isEqualTo("xyz-state");
        assertThat(p.get("iss")).isEqualTo(server.issuer);
    }

    @Test
    void unknownClientGetsAnErrorPageAndNoRedirect() {
        Map<String, String> q = params();
        q.put("client_id", "no-such-client");
        q.put("redirect_uri", "https://attacker.example/steal");
        HttpResponse<String> r = server.authorize(q);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(r.body()).contains("no-such-client").contains("not registered").doesNotContain("href=\"https://attacker.example");
    }

    @Test
    void unregisteredRedirectUriGetsAnErrorPageAndNoRedirect() {
        Map<String, String> q = params();
        q.put("redirect_uri", "https://attacker.example/steal");
        HttpResponse<String> r = server.authorize(q);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.body()).contains("not registered");
    }

    @Test
    void redirectUriThatDiffersOnlyInPathOrQueryIsNotAccepted() {
        for (String near : new String[] {TestAuthServer.REDIRECT + "/../evil", TestAuthServer.REDIRECT + "?x=1", "http://127.0.0.1:7777/callbackx",
                "https://127.0.0.1:7777/callback"}) {
            Map<String, String> q = params();
            q.put("redirect_uri", near);
            HttpResponse<String> r = server.authorize(q);
            assertThat(r.statusCode()).as(near).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).as(near).isEmpty();
        }
    }

    @Test
    void loopbackRedirectMayUseAnyPort() {
        // RFC 8252 §7.3: native clients pick a free port at run time.
        Map<String, String> q = params();
        q.put("redirect_uri", "http://127.0.0.1:51234/callback");
        HttpResponse<String> r = server.authorize(q);
        assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith("http://127.0.0.1:51234/callback?code=");
    }

    @Test
    void missingCodeChallengeRedirectsWithInvalidRequest() {
        Map<String, String> q = params();
        q.remove("code_challenge");
        q.remove("code_challenge_method");
        Map<String, String> p = TestAuthServer.redirectParams(server.authorize(q));
        assertThat(p).doesNotContainKey("code");
        assertThat(p.get("error")).isEqualTo("invalid_request");
        assertThat(p.get("error_description")).contains("code_challenge");
        assertThat(p.get("iss")).isEqualTo(server.issuer);
        assertThat(p.get("state")).isEqualTo("xyz-state");
    }

    @Test
    void plainCodeChallengeMethodIsADowngradeAndRejected() {
        Map<String, String> q = params();
        q.put("code_challenge_method", "plain");
        Map<String, String> p = TestAuthServer.redirectParams(server.authorize(q));
        assertThat(p).doesNotContainKey("code");
        assertThat(p.get("error")).isEqualTo("invalid_request");
        assertThat(p.get("error_description")).contains("S256");
    }

    @Test
    void omittedCodeChallengeMethodMeansPlainAndIsRejected() {
        Map<String, String> q = params();
        q.remove("code_challenge_method");
        assertThat(TestAuthServer.redirectParams(server.authorize(q)).get("error")).isEqualTo("invalid_request");
    }

    @Test
    void unknownResourceRedirectsWithInvalidTarget() {
        Map<String, String> q = params();
        q.put("resource", "https://other-server.example/mcp");
        Map<String, String> p = TestAuthServer.redirectParams(server.authorize(q));
        assertThat(p.get("error")).isEqualTo("invalid_target");
        assertThat(p.get("iss")).isEqualTo(server.issuer);
    }

    @Test
    void unsupportedScopeRedirectsWithInvalidScope() {
        Map<String, String> q = params();
        q.put("scope", "read:files admin:everything");
        Map<String, String> p = TestAuthServer.redirectParams(server.authorize(q));
        assertThat(p.get("error")).isEqualTo("invalid_scope");
        assertThat(p.get("error_description")).contains("admin:everything");
    }

    @Test
    void scopeBeyondTheClientsRegisteredScopeRedirectsWithInvalidScope() {
        TestAuthServer.Client narrow = server.register("{\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],"
                + "\"token_endpoint_auth_method\":\"none\",\"scope\":\"read:files\"}");
        Map<String, String> q = server.authorizeParams(narrow, Pkce.newVerifier(), "read:files execute:commands");
        assertThat(TestAuthServer.redirectParams(server.authorize(q)).get("error")).isEqualTo("invalid_scope");
    }

    @Test
    void responseTypeOtherThanCodeRedirectsWithUnsupportedResponseType() {
        Map<String, String> q = params();
        q.put("response_type", "token");
        assertThat(TestAuthServer.redirectParams(server.authorize(q)).get("error")).isEqualTo("unsupported_response_type");
    }

    @Test
    void repeatedParameterIsRejectedWithoutRedirect() {
        HttpResponse<String> r = server.get("/oauth/authorize?" + TestAuthServer.formBody(params()) + "&client_id=other");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
    }
}
