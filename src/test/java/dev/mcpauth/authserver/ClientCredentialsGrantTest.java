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
    void registeredClientSecretPostClientMayUseClientCredentials() {
        TestAuthServer.Client c = server.register("{\"token_endpoint_auth_method\":\"client_secret_post\",\"grant_types\":[\"client_credentials\"],\"scope\":\"read:user\"}");
        HttpResponse<String> r = server.postForm("/oauth/token", Map.of("grant_type", "client_credentials", "client_id", c.id(), "client_secret", c.secret()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestAuthServer.json(r).get("scope").asText()).isEqualTo("read:user");
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
}
