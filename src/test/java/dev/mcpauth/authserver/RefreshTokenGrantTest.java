package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Refresh token rotation and reuse detection (RFC 9700 §4.14.2, OAuth 2.1 §4.3), scope narrowing (RFC 6749 §6). */
class RefreshTokenGrantTest {
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
    void everyRefreshRotatesTheRefreshTokenAndTheOldOneStopsWorking() {
        JsonNode first = server.tokensFor(client, "read:files");
        String r1 = first.get("refresh_token").asText();
        HttpResponse<String> second = server.refresh(client, r1, null);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        String r2 = TestAuthServer.json(second).get("refresh_token").asText();
        assertThat(r2).isNotEqualTo(r1);
        assertThat(server.introspect(r1).get("active").asBoolean()).isFalse();
        assertThat(server.introspect(r2).get("active").asBoolean()).isTrue();
        assertThat(server.refresh(client, r2, null).statusCode()).isEqualTo(200);
    }

    @Test
    void reuseOfARotatedRefreshTokenAfterItsSuccessorWasUsedRevokesTheWholeFamily() {
        JsonNode first = server.tokensFor(client, "read:files");
        String r1 = first.get("refresh_token").asText();
        JsonNode second = TestAuthServer.json(server.refresh(client, r1, null));
        JsonNode third = TestAuthServer.json(server.refresh(client, second.get("refresh_token").asText(), null));
        String r2 = third.get("refresh_token").asText();
        String a2 = third.get("access_token").asText();

        HttpResponse<String> reuse = server.refresh(client, r1, null);
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(reuse).get("error").asText()).isEqualTo("invalid_grant");

        assertThat(server.introspect(first.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(server.introspect(a2).get("active").asBoolean()).isFalse();
        assertThat(server.introspect(r2).get("active").asBoolean()).isFalse();
        assertThat(TestAuthServer.json(server.refresh(client, r2, null)).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void scopeMayBeNarrowedButTheRefreshTokenKeepsTheOriginalScope() {
        JsonNode first = server.tokensFor(client, "read:files math:calculate");
        JsonNode narrowed = TestAuthServer.json(server.refresh(client, first.get("refresh_token").asText(), "math:calculate"));
        assertThat(narrowed.get("scope").asText()).isEqualTo("math:calculate");
        assertThat(server.introspect(narrowed.get("access_token").asText()).get("scope").asText()).isEqualTo("math:calculate");
        JsonNode again = TestAuthServer.json(server.refresh(client, narrowed.get("refresh_token").asText(), null));
        assertThat(again.get("scope").asText()).isEqualTo("read:files math:calculate");
    }

    @Test
    void scopeCannotBeWidenedOnRefresh() {
        JsonNode first = server.tokensFor(client, "read:files");
        HttpResponse<String> r = server.refresh(client, first.get("refresh_token").asText(), "read:files execute:commands");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void refreshTokenOfAnotherClientIsInvalidGrant() {
        JsonNode first = server.tokensFor(client, "read:files");
        TestAuthServer.Client other = server.registerPublicClient();
        HttpResponse<String> r = server.refresh(other, first.get("refresh_token").asText(), null);
        assertThat(TestAuthServer.json(r).get("error").asText()).isEqualTo("invalid_grant");
        // The rightful client is not punished for someone else's attempt.
        assertThat(server.refresh(client, first.get("refresh_token").asText(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void expiredRefreshTokenIsInvalidGrant() {
        try (TestAuthServer s = TestAuthServer.start(b -> b.autoApprove(true).refreshTokenTtl(java.time.Duration.ofMinutes(5)))) {
            TestAuthServer.Client c = s.registerPublicClient();
            String refresh = s.tokensFor(c, "read:files").get("refresh_token").asText();
            s.clock.advance(java.time.Duration.ofMinutes(6));
            assertThat(TestAuthServer.json(s.refresh(c, refresh, null)).get("error").asText()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void clientNotRegisteredForRefreshGetsNoRefreshToken() {
        TestAuthServer.Client codeOnly = server.register("{\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\"}");
        assertThat(server.tokensFor(codeOnly, "read:files").has("refresh_token")).isFalse();
    }

    @Test
    void reuseOfARotatedRefreshTokenAfterTheGraceWindowRevokesTheWholeFamily() {
        JsonNode first = server.tokensFor(client, "read:files");
        String r1 = first.get("refresh_token").asText();
        JsonNode second = TestAuthServer.json(server.refresh(client, r1, null));
        server.clock.advance(GrantStore.REFRESH_RACE_GRACE.plusSeconds(1));

        HttpResponse<String> reuse = server.refresh(client, r1, null);
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(TestAuthServer.json(reuse).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(server.introspect(second.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(TestAuthServer.json(server.refresh(client, second.get("refresh_token").asText(), null)).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void parallelRefreshesWithOneRefreshTokenAllSucceedAndTheFamilyStaysUsable() throws Exception {
        String r1 = server.tokensFor(client, "read:files").get("refresh_token").asText();
        int parallel = 8;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < parallel; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return server.refresh(client, r1, null);
                }));
            }
            go.countDown();
            java.util.Set<String> successors = new java.util.HashSet<>();
            for (var answer : answers) {
                HttpResponse<String> r = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode t = TestAuthServer.json(r);
                successors.add(t.get("refresh_token").asText());
                assertThat(server.introspect(t.get("access_token").asText()).get("active").asBoolean()).isTrue();
            }
            // One rotation, whoever won the race: every caller holds the same successor.
            assertThat(successors).hasSize(1);
            HttpResponse<String> next = server.refresh(client, successors.iterator().next(), null);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        }
    }

    @Test
    void aRefreshTokenRefusedForItsScopeIsNotUsedUp() {
        String r1 = server.tokensFor(client, "read:files").get("refresh_token").asText();
        assertThat(server.refresh(client, r1, "execute:commands").statusCode()).isEqualTo(400);
        server.clock.advance(GrantStore.REFRESH_RACE_GRACE.plusSeconds(1));
        HttpResponse<String> r = server.refresh(client, r1, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
