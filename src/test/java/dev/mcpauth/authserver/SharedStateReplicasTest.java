package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.PostgresCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two authorization-server replicas on one real PostgreSQL (issue #19 item 3, 4): whatever one of them issues, rotates
 * or revokes, the other honours at once; a storage outage is a 503 the client retries without losing its login.
 */
class SharedStateReplicasTest {
    private static final String ISSUER = "http://127.0.0.1:8001";
    private static PostgresCluster postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresCluster.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static TestAuthServer replica() {
        return TestAuthServer.start(ISSUER, b -> b.autoApprove(true).client(TestAuthServer.RESOURCE_SERVER)
                .stateDatabase(new StateDatabaseUrl(postgres.jdbcUrl(), PostgresCluster.USER, PostgresCluster.PASSWORD)));
    }

    @Test
    void replicasOnOnePostgresRedeemACodeOnceShareRefreshFamiliesAndSeeEachOthersRevocations() throws Exception {
        try (TestAuthServer a = replica(); TestAuthServer b = replica()) {
            // One signing key for both: a token either issues verifies at the other's resource side.
            assertThat(b.as.publicKeys().toJSONObject()).isEqualTo(a.as.publicKeys().toJSONObject());
            TestAuthServer.Client client = a.registerPublicClient();

            // A code issued at A is redeemed at B exactly once; the replay at A revokes what B issued.
            String verifier = Pkce.newVerifier();
            String code = a.authorizeCode(client, verifier, "read:files");
            HttpResponse<String> first = b.exchangeCode(client, code, verifier);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            HttpResponse<String> replay = a.exchangeCode(client, code, verifier);
            assertThat(TestAuthServer.json(replay).get("error").asText()).isEqualTo("invalid_grant");
            assertThat(a.introspect(TestAuthServer.json(first).get("access_token").asText()).get("active").asBoolean()).isFalse();

            // Refresh rotation across replicas: A rotates R0 (its answer lost, as in a crash before the reply); the
            // client retries R0 at B and gets the very same R1; R1 rotates at B; R0 again, later, is reuse.
            JsonNode tokens = a.tokensFor(client, "read:files");
            String r0 = tokens.get("refresh_token").asText();
            String r1 = TestAuthServer.json(a.refresh(client, r0, null)).get("refresh_token").asText();
            HttpResponse<String> retried = b.refresh(client, r0, null);
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
            assertThat(TestAuthServer.json(retried).get("refresh_token").asText()).isEqualTo(r1);
            HttpResponse<String> atB = b.refresh(client, r1, null);
            assertThat(atB.statusCode()).as(atB.body()).isEqualTo(200);
            String r2 = TestAuthServer.json(atB).get("refresh_token").asText();
            b.clock.advance(GrantStore.REFRESH_RACE_GRACE.plusSeconds(1));
            a.clock.advance(GrantStore.REFRESH_RACE_GRACE.plusSeconds(1));
            HttpResponse<String> reuse = b.refresh(client, r0, null);
            assertThat(TestAuthServer.json(reuse).get("error_description").asText()).contains("already used");
            assertThat(TestAuthServer.json(a.refresh(client, r2, null)).get("error").asText()).isEqualTo("invalid_grant");

            // A revocation at A: B's introspection and refresh refuse at once, B's resource side within its poll.
            JsonNode fresh = b.tokensFor(client, "read:files");
            String access = fresh.get("access_token").asText();
            String jti = com.nimbusds.jwt.SignedJWT.parse(access).getJWTClaimsSet().getJWTID();
            assertThat(b.introspect(access).get("active").asBoolean()).isTrue();
            assertThat(a.postForm("/oauth/revoke", Map.of("token", access, "client_id", client.id())).statusCode()).isEqualTo(200);
            assertThat(b.introspect(access).get("active").asBoolean()).isFalse();
            assertThat(a.as.revocations().isRevoked(jti)).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!b.as.revocations().isRevoked(jti) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(b.as.revocations().isRevoked(jti)).as("B's resource side sees A's revocation").isTrue();
            assertThat(a.postForm("/oauth/revoke", Map.of("token", fresh.get("refresh_token").asText(), "client_id", client.id())).statusCode()).isEqualTo(200);
            assertThat(TestAuthServer.json(b.refresh(client, fresh.get("refresh_token").asText(), null)).get("error").asText()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void whileTheDatabaseIsDownTokenRequestsAre503WithRetryAfterAndTheRefreshTokenStillWorksAfterwards() throws Exception {
        try (TestAuthServer a = replica()) {
            TestAuthServer.Client client = a.registerPublicClient();
            String refresh = a.tokensFor(client, "read:files").get("refresh_token").asText();
            postgres.stopServer();
            try {
                HttpResponse<String> down = a.refresh(client, refresh, null);
                assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
                assertThat(down.headers().firstValue("Retry-After")).hasValue(String.valueOf(StorageFailureHandler.RETRY_AFTER_SECONDS));
                assertThat(TestAuthServer.json(down).get("error").asText()).isEqualTo("temporarily_unavailable");
                assertThat(down.body()).doesNotContain("access_token").doesNotContain("Exception").doesNotContain("org.postgresql");
                HttpResponse<String> register = a.postJson("/oauth/register", "{\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\"}");
                assertThat(register.statusCode()).as(register.body()).isEqualTo(503);
            } finally {
                postgres.startServer();
            }
            // Recovers by itself (the pool reconnects within seconds; until then, more 503s that use nothing up),
            // and nothing was used up: the same refresh token rotates normally.
            a.clock.advance(GrantStore.REFRESH_RACE_GRACE.plusSeconds(1));
            HttpResponse<String> after = a.refresh(client, refresh, null);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (after.statusCode() == 503 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                after = a.refresh(client, refresh, null);
            }
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            assertThat(a.registerPublicClient().id()).isNotBlank();
        }
    }
}
