package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 8693 token exchange as the scope-upgrade endpoint. */
class TokenExchangeGrantTest {
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";
    static TestAuthServer server;
    static TestAuthServer.Client client;

    @BeforeAll
    static void start() {
        server = TestAuthServer.start(b -> b.autoApprove(true).client(TestAuthServer.RESOURCE_SERVER)
                .userScopes("alice", Set.of("read:files")));
        client = server.registerPublicClient(EXCHANGE);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> exchange(TestAuthServer s, TestAuthServer.Client c, String token, String scope) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", EXCHANGE);
        f.put("client_id", c.id());
        f.put("subject_token", token);
        f.put("subject_token_type", ACCESS);
        f.put("scope", scope);
        return s.postForm("/oauth/token", f);
    }

    @Test
    void upgradeToMoreScopesTheUserMayHoldIsGranted() {
        JsonNode tokens = server.tokensFor(client, "read:files");
        HttpResponse<String> r = exchange(server, client, tokens.get("access_token").asText(), "read:files execute:commands");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode t = TestAuthServer.json(r);
        assertThat(t.get("issued_token_type").asText()).isEqualTo(ACCESS);
        assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.get("scope").asText()).isEqualTo("read:files execute:commands");
        JsonNode claims = server.introspect(t.get("access_token").asText());
        assertThat(claims.get("sub").asText()).isEqualTo("demo");
        assertThat(claims.get("aud").asText()).isEqualTo(server.resource());
        assertThat(claims.get("scope").asText()).isEqualTo("read:files execute:commands");
    }

    @Test
    void upgradedTokenIsRevokedWithItsGrant() {
        JsonNode tokens = server.tokensFor(client, "read:files");
        String upgraded = TestAuthServer.json(exchange(server, client, tokens.get("access_token").asText(), "read:user")).get("access_token").asText();
        server.postForm("/oauth/revoke", Map.of("token", tokens.get("refresh_token").asText(), "client_id", client.id()));
        assertThat(server.introspect(upgraded).get("active").asBoolean()).isFalse();
    }

    @Test
    void upgradeBeyondWhatTheUserMayHoldIsRefusedWithInvalidScope() {
        try (TestAuthServer s = TestAuthServer.start(b -> b.autoApprove(true).autoApproveUser("alice").users(Map.of("alice", "pw"))
                .userScopes("alice", Set.of("read:files")))) {
            TestAuthServer.Client c = s.registerPublicClient(EXCHANGE);
            String token = s.tokensFor(c, "read:files").get("access_token").asText();
            HttpResponse<String> r = exchange(s, c, token, "read:files execute:commands");
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode e = TestAuthServer.json(r);
            assertThat(e.get("error").asText()).isEqualTo("invalid_scope");
            assertThat(e.get("error_description").asText()).contains("execute:commands").contains("alice");
        }
    }

    @Test
    void upgradeBeyondTheClientsRegisteredScopeIsRefused() {
        TestAuthServer.Client narrow = server.register("{\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\","
                + "\"grant_types\":[\"authorization_code\",\"" + EXCHANGE + "\"],\"scope\":\"read:files read:user\"}");
        String token = server.tokensFor(narrow, "read:files").get("access_token").asText();
        assertThat(exchange(server, narrow, token, "read:user").statusCode()).isEqualTo(200);
        HttpResponse<String> r = exchange(server, narrow, token, "execute:commands");
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void tokenOfAnotherClientOrNotIssuedHereIsRefused() {
        String token = server.tokensFor(client, "read:files").get("access_token").asText();
        TestAuthServer.Client other = server.registerPublicClient(EXCHANGE);
        assertThat(TestAuthServer.json(exchange(server, other, token, "read:files")).get("error").asText()).isEqualTo("invalid_request");
        assertThat(TestAuthServer.json(exchange(server, client, "eyJhbGciOiJub25lIn0.e30.", "read:files")).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void revokedSubjectTokenCannotBeUpgraded() {
        String token = server.tokensFor(client, "read:files").get("access_token").asText();
        server.postForm("/oauth/revoke", Map.of("token", token, "client_id", client.id()));
        assertThat(TestAuthServer.json(exchange(server, client, token, "read:files read:user")).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void clientNotRegisteredForTokenExchangeIsUnauthorizedClient() {
        TestAuthServer.Client plain = server.registerPublicClient();
        String token = server.tokensFor(plain, "read:files").get("access_token").asText();
        assertThat(TestAuthServer.json(exchange(server, plain, token, "read:user")).get("error").asText()).isEqualTo("unauthorized_client");
    }

    @Test
    void behindTheConsentPageAnExchangeCannotGoBeyondWhatTheUserApproved() {
        try (TestAuthServer s = TestAuthServer.start(b -> b.client(TestAuthServer.RESOURCE_SERVER))) {
            TestAuthServer.Client c = s.registerPublicClient(EXCHANGE);
            JsonNode tokens = s.tokensWithConsent(c, "math:calculate read:user", "demo", "demo");
            String token = tokens.get("access_token").asText();

            HttpResponse<String> r = exchange(s, c, token, "math:calculate execute:commands");
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode e = TestAuthServer.json(r);
            assertThat(e.get("error").asText()).isEqualTo("invalid_scope");
            assertThat(e.get("error_description").asText()).contains("execute:commands").contains("consent");
            // Within the consent an exchange still works: a narrowed token may come back to what was approved.
            String narrow = TestAuthServer.json(s.refresh(c, tokens.get("refresh_token").asText(), "math:calculate")).get("access_token").asText();
            HttpResponse<String> back = exchange(s, c, narrow, "math:calculate read:user");
            assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        }
    }

    @Test
    void anExchangeCannotCarryAUsersGrantToAnotherResource() {
        try (TestAuthServer s = TestAuthServer.start(b -> b.autoApprove(true).client(TestAuthServer.RESOURCE_SERVER)
                .resources("http://127.0.0.1:8001/mcp", "http://127.0.0.1:8002/mcp"))) {
            TestAuthServer.Client c = s.registerPublicClient(EXCHANGE);
            String verifier = Pkce.newVerifier();
            Map<String, String> q = s.authorizeParams(c, verifier, "read:files");
            q.put("resource", "http://127.0.0.1:8001/mcp");
            String code = TestAuthServer.redirectParams(s.authorize(q)).get("code");
            String token = TestAuthServer.json(s.exchangeCode(c, code, verifier)).get("access_token").asText();

            Map<String, String> f = new LinkedHashMap<>();
            f.put("grant_type", EXCHANGE);
            f.put("client_id", c.id());
            f.put("subject_token", token);
            f.put("subject_token_type", ACCESS);
            f.put("resource", "http://127.0.0.1:8002/mcp");
            HttpResponse<String> r = s.postForm("/oauth/token", f);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("invalid_target");
        }
    }
}
