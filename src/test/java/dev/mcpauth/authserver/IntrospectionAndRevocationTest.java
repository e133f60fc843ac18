package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 7662 introspection and RFC 7009 revocation. */
class IntrospectionAndRevocationTest {
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

    @Test
    void activeAccessTokenIntrospectsToItsFullClaims() {
        String access = server.tokensFor(client, "read:files").get("access_token").asText();
        JsonNode c = server.introspect(access);
        assertThat(c.get("active").asBoolean()).isTrue();
        assertThat(c.get("iss").asText()).isEqualTo(server.issuer);
        assertThat(c.get("sub").asText()).isEqualTo("demo");
        assertThat(c.get("client_id").asText()).isEqualTo(client.id());
        assertThat(c.get("scope").asText()).isEqualTo("read:files");
        assertThat(c.get("aud").asText()).isEqualTo(server.resource());
        assertThat(c.get("exp").asLong()).isGreaterThan(c.get("iat").asLong());
        assertThat(c.get("jti").asText()).isNotBlank();
    }

    @Test
    void refreshTokenIntrospectsAsActive() {
        String refresh = server.tokensFor(client, "read:files").get("refresh_token").asText();
        JsonNode c = server.introspect(refresh);
        assertThat(c.get("active").asBoolean()).isTrue();
        assertThat(c.get("token_type").asText()).isEqualTo("refresh_token");
        assertThat(c.get("client_id").asText()).isEqualTo(client.id());
    }

    @Test
    void unknownAndExpiredTokensAreInactive() {
        assertThat(server.introspect("garbage").toString()).isEqualTo("{\"active\":false}");
        try (TestAuthServer s = TestAuthServer.start(b -> b.autoApprove(true).client(TestAuthServer.RESOURCE_SERVER))) {
            String access = s.tokensFor(s.registerPublicClient(), "read:files").get("access_token").asText();
            s.clock.advance(Duration.ofMinutes(16));
            assertThat(s.introspect(access).get("active").asBoolean()).isFalse();
        }
    }

    @Test
    void tokenWithTheRightClaimsButAnotherKeyIsInactive() throws Exception {
        String access = server.tokensFor(client, "read:files").get("access_token").asText();
        com.nimbusds.jwt.SignedJWT genuine = com.nimbusds.jwt.SignedJWT.parse(access);
        com.nimbusds.jose.jwk.ECKey attacker = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .keyID(genuine.getHeader().getKeyID()).generate();
        com.nimbusds.jwt.SignedJWT forged = new com.nimbusds.jwt.SignedJWT(genuine.getHeader(), genuine.getJWTClaimsSet());
        forged.sign(new com.nimbusds.jose.crypto.ECDSASigner(attacker));
        assertThat(server.introspect(forged.serialize()).get("active").asBoolean()).isFalse();
        String unsigned = new com.nimbusds.jwt.PlainJWT(genuine.getJWTClaimsSet()).serialize();
        assertThat(server.introspect(unsigned).get("active").asBoolean()).isFalse();
    }

    @Test
    void introspectionRequiresAConfidentialClient() {
        String access = server.tokensFor(client, "read:files").get("access_token").asText();
        HttpResponse<String> anonymous = server.postForm("/oauth/introspect", Map.of("token", access));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> publicClient = server.postForm("/oauth/introspect", Map.of("token", access, "client_id", client.id()));
        assertThat(publicClient.statusCode()).isEqualTo(401);
        assertThat(publicClient.body()).doesNotContain("demo");
        HttpResponse<String> wrongSecret = server.postForm("/oauth/introspect", Map.of("token", access), TestAuthServer.RESOURCE_SERVER.clientId(), "x");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
    }

    @Test
    void revokingARefreshTokenRevokesItsWholeFamily() {
        JsonNode first = server.tokensFor(client, "read:files");
        JsonNode second = TestAuthServer.json(server.refresh(client, first.get("refresh_token").asText(), null));
        HttpResponse<String> r = server.postForm("/oauth/revoke", Map.of("token", second.get("refresh_token").asText(),
                "token_type_hint", "refresh_token", "client_id", client.id()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(server.introspect(first.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(server.introspect(second.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(server.introspect(second.get("refresh_token").asText()).get("active").asBoolean()).isFalse();
    }

    @Test
    void revokingAnAccessTokenLeavesTheRefreshTokenUsable() {
        JsonNode t = server.tokensFor(client, "read:files");
        assertThat(server.postForm("/oauth/revoke", Map.of("token", t.get("access_token").asText(), "client_id", client.id())).statusCode()).isEqualTo(200);
        assertThat(server.introspect(t.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(server.refresh(client, t.get("refresh_token").asText(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void revokingAnUnknownTokenIs200() {
        HttpResponse<String> r = server.postForm("/oauth/revoke", Map.of("token", "never-issued", "client_id", client.id()));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void aClientCannotRevokeAnotherClientsToken() {
        JsonNode t = server.tokensFor(client, "read:files");
        TestAuthServer.Client other = server.registerPublicClient();
        HttpResponse<String> r = server.postForm("/oauth/revoke", Map.of("token", t.get("refresh_token").asText(), "client_id", other.id()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(server.introspect(t.get("refresh_token").asText()).get("active").asBoolean()).isTrue();
    }

    @Test
    void selfRegisteredConfidentialClientCannotIntrospectAnyToken() {
        JsonNode victim = server.tokensFor(client, "read:files");
        TestAuthServer.Client snoop = server.register("{\"token_endpoint_auth_method\":\"client_secret_basic\",\"redirect_uris\":[\""
                + TestAuthServer.REDIRECT + "\"],\"grant_types\":[\"authorization_code\",\"refresh_token\"]}");
        for (String token : new String[] {victim.get("access_token").asText(), victim.get("refresh_token").asText()}) {
            HttpResponse<String> r = server.postForm("/oauth/introspect", Map.of("token", token), snoop.id(), snoop.secret());
            assertThat(r.statusCode()).isEqualTo(403);
            JsonNode e = TestAuthServer.json(r);
            assertThat(e.get("error").asText()).isEqualTo("unauthorized_client");
            assertThat(e.has("active")).isFalse();
            assertThat(r.body()).doesNotContain("demo").doesNotContain("read:files").doesNotContain(client.id());
        }
        // Nor its own token: introspection is the resource servers' door, not a client's.
        String verifier = Pkce.newVerifier();
        HttpResponse<String> issued = server.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "code",
                server.authorizeCode(snoop, verifier, "read:user"), "redirect_uri", TestAuthServer.REDIRECT, "code_verifier", verifier), snoop.id(), snoop.secret());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String own = TestAuthServer.json(issued).get("access_token").asText();
        assertThat(server.postForm("/oauth/introspect", Map.of("token", own), snoop.id(), snoop.secret()).statusCode()).isEqualTo(403);
    }
}
