package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 6749 §4.4 client_credentials, for pre-configured and registered confidential clients. */
class ClientCredentialsGrantTest {
    static final AuthServerConfig.PreconfiguredClient BATCH =
            new AuthServerConfig.PreconfiguredClient("batch-job", "batch-secret-0123456789abcdef", Set.of("math:calculate"), List.of("client_credentials"));
    static TestAuthServer server;

    @BeforeAll
    static void start() {
        server = TestAuthServer.start(b -> b.client(BATCH).client(TestAuthServer.RESOURCE_SERVER));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void preconfiguredClientGetsATokenWhoseSubjectIsItself() {
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials", "scope", "math:calculate"),
                BATCH.clientId(), BATCH.clientSecret());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode t = TestAuthServer.json(r);
        assertThat(t.has("refresh_token")).isFalse();
        JsonNode claims = server.introspect(t.get("access_token").asText());
        assertThat(claims.get("sub").asText()).isEqualTo("batch-job");
        assertThat(claims.get("client_id").asText()).isEqualTo("batch-job");
        assertThat(claims.get("scope").asText()).isEqualTo("math:calculate");
    }

    @Test
    void scopeBeyondTheClientsScopesIsInvalidScope() {
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials", "scope", "execute:commands"),
                BATCH.clientId(), BATCH.clientSecret());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void selfRegisteredClientGetsNoClientCredentialsAndNoToken() {
        HttpResponse<String> registration = server.postJson("/oauth/register",
                "{\"token_endpoint_auth_method\":\"client_secret_post\",\"grant_types\":[\"client_credentials\"],\"scope\":\"execute:commands\"}");
        assertThat(registration.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(registration).get("error").asText()).isEqualTo("invalid_client_metadata");
        assertThat(registration.body()).doesNotContain("client_secret\"");
        // A confidential client registered the allowed way cannot use the grant at the token endpoint either.
        TestAuthServer.Client c = server.register("{\"token_endpoint_auth_method\":\"client_secret_post\",\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"]}");
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials", "client_id", c.id(), "client_secret", c.secret()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(r.body()).doesNotContain("access_token");
    }

    @Test
    void operatorClientWithoutScopesMayIntrospectButGetsNoClientCredentialsToken() {
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials"),
                TestAuthServer.RESOURCE_SERVER.clientId(), TestAuthServer.RESOURCE_SERVER.clientSecret());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(server.introspect("not-a-token").get("active").asBoolean()).isFalse();
    }

    @Test
    void operatorClientWithoutAScopeRequestGetsExactlyItsGrantedScopes() {
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials"), BATCH.clientId(), BATCH.clientSecret());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestAuthServer.json(r).get("scope").asText()).isEqualTo("math:calculate");
    }

    @Test
    void operatorClientWithGrantedScopeOutsideTheSupportedOnesIsRefusedAtConfiguration() {
        AuthServerConfig.PreconfiguredClient bad = new AuthServerConfig.PreconfiguredClient("x", "x-secret-0123456789", Set.of("admin:all"), null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AuthServerConfig.builder("http://127.0.0.1:1").client(bad).build())
                .hasMessageContaining("admin:all");
    }

    @Test
    void publicClientCannotUseClientCredentials() {
        TestAuthServer.Client pub = server.registerPublicClient();
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials", "client_id", pub.id()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("unauthorized_client");
    }

    @Test
    void wrongSecretIsInvalidClient() {
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials"), BATCH.clientId(), "nope");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
    }

    @Test
    void clientCredentialsThatAStaleStateFileGrantsARegisteredClientIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String secret = "stale-secret-0123456789abcdef";
        // A clients.json as an older version that let clients register client_credentials wrote it (imported at start).
        new StateFile(dir, "clients.json").write(new ClientStore.Snapshot(List.of(new RegisteredClient("mcp-stale", Secrets.hash(secret), 0, "stale", List.of(), RegisteredClient.CLIENT_SECRET_BASIC,
                        List.of("client_credentials"), List.of(), "web", "execute:commands", Map.of()))));
        try (TestAuthServer s = TestAuthServer.start(b -> b.stateDirectory(dir))) {
            HttpResponse<String> r = s.postForm("/oauth/token", Map.of("grant_type", "client_credentials", "scope", "execute:commands"), "mcp-stale", secret);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("unauthorized_client");
            assertThat(r.body()).doesNotContain("access_token");
        }
    }
}
