package dev.mcpauth.resource;

import dev.mcpauth.support.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.LogCapture;
import dev.mcpauth.http.TestHttp;
import dev.mcpauth.http.VirtualThreadDispatch;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.CachingVerifier;
import dev.mcpauth.token.TokenRejected;
import dev.mcpauth.token.TokenVerifier;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failed-authentication throttling through real HTTP: a peer that keeps sending tokens that fail verification is
 * refused with 429 without its new tokens being verified, while tokens already known valid keep working.
 */
class TokenFailureThrottlingTest {

    private static final int BUDGET = 3;

    private final TestTokens tokens = new TestTokens();
    private final MutableClock clock = new MutableClock();
    private final Challenge challenge = new Challenge(URI.create(BearerAuthHandlerTest.METADATA), Set.of("mcp:basic"));
    private TestHttp http;

    /** Counts the verifications that reach the real (expensive) verifier behind the cache. */
    private static final class CountingVerifier implements TokenVerifier {
        final AtomicInteger calls = new AtomicInteger();
        private final TokenVerifier real;

        CountingVerifier(TokenVerifier real) {
            this.real = real;
        }

        @Override
        public AccessToken verify(String token) throws TokenRejected {
            calls.incrementAndGet();
            return real.verify(token);
        }
    }

    private final CountingVerifier verifications = new CountingVerifier(tokens.verifier());

    private void serve(TokenVerifier verifier, int budget) {
        CachingVerifier cache = new CachingVerifier(verifier, Duration.ofHours(1), Duration.ofSeconds(5), 1 << 20, 100, clock);
        TokenFailureLimiter failures = new TokenFailureLimiter(budget, Duration.ofSeconds(60), 100, clock);
        http = new TestHttp(new VirtualThreadDispatch(new BearerAuthHandler(cache, challenge, new AuditLog(), failures, TestHttp.echo())));
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    private HttpResponse<String> send(String authorization) throws Exception {
        var request = http.request("/mcp").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request);
    }

    private HttpResponse<String> bearer(String token) throws Exception {
        return send("Bearer " + token);
    }

    private void spendBudget() throws Exception {
        for (int i = 0; i < BUDGET; i++) {
            HttpResponse<String> response = bearer(tokens.mintWithOtherKey("mallory", "mcp:basic"));
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(TestHttp.json(response).path("error").asText()).isEqualTo("invalid_token");
        }
    }

    @Test
    void peerOverItsBudgetGets429WithRetryAfterAndItsTokensAreNotVerified() throws Exception {
        serve(verifications, BUDGET);
        spendBudget();
        clock.advance(Duration.ofSeconds(15));

        HttpResponse<String> response = bearer(tokens.mintWithOtherKey("mallory", "mcp:basic"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("45");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("error").asText()).isEqualTo("too_many_failed_tokens");
        assertThat(body.path("error_description").asText())
                .contains("127.0.0.1").contains(BUDGET + " per 60 seconds").contains("Retry after 45 seconds");
        assertThat(body.path("retry_after").asLong()).isEqualTo(45);
        assertThat(verifications.calls).hasValue(BUDGET);
    }

    @Test
    void tokenAlreadyAcceptedKeepsWorkingDuringTheBlock() throws Exception {
        serve(verifications, BUDGET);
        String alice = tokens.mint("alice", "mcp:basic");
        assertThat(bearer(alice).statusCode()).isEqualTo(200);
        spendBudget();

        HttpResponse<String> response = bearer(alice);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestHttp.json(response).path("subject").asText()).isEqualTo("alice");
        assertThat(verifications.calls).hasValue(1 + BUDGET);
    }

    @Test
    void newValidTokenDuringTheBlockIsRefusedUnverified() throws Exception {
        serve(verifications, BUDGET);
        spendBudget();

        HttpResponse<String> response = bearer(tokens.mint("bob", "mcp:basic"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(verifications.calls).hasValue(BUDGET);
    }

    @Test
    void peerIsVerifiedAgainOnceTheWindowHasPassed() throws Exception {
        serve(verifications, BUDGET);
        spendBudget();
        assertThat(bearer(tokens.mint("bob", "mcp:basic")).statusCode()).isEqualTo(429);

        clock.advance(Duration.ofSeconds(60));

        assertThat(bearer(tokens.mint("bob", "mcp:basic")).statusCode()).isEqualTo(200);
        assertThat(bearer(tokens.mintWithOtherKey("mallory", "mcp:basic")).statusCode()).isEqualTo(401);
        assertThat(verifications.calls).hasValue(BUDGET + 2);
    }

    @Test
    void requestsWithoutTokenNeverSpendTheBudget() throws Exception {
        serve(verifications, BUDGET);
        for (int i = 0; i < 3 * BUDGET; i++) {
            assertThat(send(null).statusCode()).isEqualTo(401);
            assertThat(send("Basic YWxpY2U6c2VjcmV0").statusCode()).isEqualTo(401);
        }

        HttpResponse<String> response = bearer(tokens.mintWithOtherKey("mallory", "mcp:basic"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    }

    @Test
    void malformedCredentialsSpendTheBudget() throws Exception {
        serve(verifications, BUDGET);
        for (int i = 0; i < BUDGET; i++) {
            assertThat(send("Bearer not a token").statusCode()).isEqualTo(400);
        }

        assertThat(bearer(tokens.mint("bob", "mcp:basic")).statusCode()).isEqualTo(429);
        assertThat(verifications.calls).hasValue(0);
    }

    @Test
    void verifierOutagesNeverSpendTheBudget() throws Exception {
        AtomicInteger outages = new AtomicInteger(3 * BUDGET);
        serve(token -> {
            if (outages.getAndDecrement() > 0) {
                throw new TokenRejected(TokenRejected.Reason.VERIFIER_UNAVAILABLE, "introspection endpoint unreachable");
            }
            return verifications.verify(token);
        }, BUDGET);
        String bob = tokens.mint("bob", "mcp:basic");
        for (int i = 0; i < 3 * BUDGET; i++) {
            assertThat(bearer(bob).statusCode()).isEqualTo(503);
        }

        assertThat(bearer(bob).statusCode()).isEqualTo(200);
    }

    @Test
    void zeroBudgetTurnsTheLimitOff() throws Exception {
        serve(verifications, 0);
        for (int i = 0; i < 4 * BUDGET; i++) {
            assertThat(bearer(tokens.mintWithOtherKey("mallory", "mcp:basic")).statusCode()).isEqualTo(401);
        }

        assertThat(bearer(tokens.mint("bob", "mcp:basic")).statusCode()).isEqualTo(200);
        assertThat(verifications.calls).hasValue(4 * BUDGET + 1);
    }

    @Test
    void refusalIsAuditedWithTheTokenFingerprintOnly() throws Exception {
        serve(verifications, BUDGET);
        spendBudget();
        String refused = tokens.mint("bob", "mcp:basic");

        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            assertThat(bearer(refused).statusCode()).isEqualTo(429);

            assertThat(audit.awaitLines(1)).singleElement().asString()
                    .contains("error=too_many_failed_tokens")
                    .contains("token_sha256=" + AuditLog.fingerprint(refused))
                    .contains("remote=127.0.0.1")
                    .doesNotContain(refused);
        }
    }
}
