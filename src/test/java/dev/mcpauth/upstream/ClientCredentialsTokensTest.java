package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.support.MutableClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's own client_credentials token for an upstream: Basic client auth, caching, refresh before expiry. */
class ClientCredentialsTokensTest {

    private final FakeHttpUpstream server = new FakeHttpUpstream(0);
    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));

    ClientCredentialsTokensTest() throws IOException {
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void tokenIsCachedThenFetchedAgainBeforeItExpires() throws Exception {
        ClientCredentialsTokens tokens = tokens(FakeHttpUpstream.CLIENT_SECRET);

        assertThat(tokens.current()).isEqualTo("cc-token-1");
        clock.advance(Duration.ofMinutes(58));
        assertThat(tokens.current()).as("an hour's token, 58 minutes in").isEqualTo("cc-token-1");
        clock.advance(Duration.ofSeconds(61));
        assertThat(tokens.current()).as("within a minute of expiry").isEqualTo("cc-token-2");
        assertThat(server.tokenRequestAuthorizations).allSatisfy(a -> assertThat(a).startsWith("Basic "));
    }

    @Test
    void invalidatedTokenIsFetchedAgain() throws Exception {
        ClientCredentialsTokens tokens = tokens(FakeHttpUpstream.CLIENT_SECRET);
        tokens.current();

        tokens.invalidate();

        assertThat(tokens.current()).isEqualTo("cc-token-2");
    }

    @Test
    void requestsRefusedTogetherReplaceTheTokenOnceAndALaterRefusalReplacesItAgain() throws Exception {
        ClientCredentialsTokens tokens = tokens(FakeHttpUpstream.CLIENT_SECRET);
        assertThat(tokens.current()).isEqualTo("cc-token-1");

        // Knowing the token sent: only a refusal of the cached token replaces it.
        assertThat(tokens.rejected(401, "", "cc-token-1")).isTrue();
        assertThat(tokens.current()).isEqualTo("cc-token-2");
        assertThat(tokens.rejected(401, "", "cc-token-1")).as("a late refusal of the old token retries").isTrue();
        assertThat(tokens.current()).isEqualTo("cc-token-2");
        assertThat(tokens.rejected(401, "", "cc-token-2")).isTrue();
        assertThat(tokens.current()).isEqualTo("cc-token-3");

        // Not knowing it (the SDK's transport): refusals right after a replacement are the old token's.
        clock.advance(Duration.ofSeconds(10));
        assertThat(tokens.rejected(401, "")).isTrue();
        assertThat(tokens.current()).isEqualTo("cc-token-4");
        assertThat(tokens.rejected(401, "")).isTrue();
        assertThat(tokens.current()).as("within the grace of the replacement").isEqualTo("cc-token-4");
        clock.advance(ClientCredentialsTokens.REPLACED_GRACE);
        assertThat(tokens.rejected(401, "")).isTrue();
        assertThat(tokens.current()).as("a refusal after the grace is the new token's own").isEqualTo("cc-token-5");
        assertThat(server.tokenRequests).hasSize(5);
    }

    @Test
    void theFirstRefusalOfATokenFetchedOnlyJustNowStillReplacesIt() throws Exception {
        ClientCredentialsTokens tokens = tokens(FakeHttpUpstream.CLIENT_SECRET);
        assertThat(tokens.current()).isEqualTo("cc-token-1");

        assertThat(tokens.rejected(401, "")).isTrue();

        assertThat(tokens.current()).as("the grace follows replacements of refused tokens only").isEqualTo("cc-token-2");
    }

    @Test
    void refusedClientIsAnErrorNamingTheEndpointAndClientButNotTheSecret() {
        ClientCredentialsTokens tokens = tokens("the-wrong-secret");

        assertThatThrownBy(tokens::current).isInstanceOf(IOException.class)
                .hasMessageContaining(server.tokenUrl().toString())
                .hasMessageContaining("'gateway-client'")
                .hasMessageContaining("HTTP 401 invalid_client")
                .hasMessageNotContaining("the-wrong-secret");
    }

    @Test
    void refreshMarginIsAMinuteOrATenthOfShortLifetimes() {
        assertThat(ClientCredentialsTokens.refreshMargin(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(ClientCredentialsTokens.refreshMargin(Duration.ofSeconds(100))).isEqualTo(Duration.ofSeconds(10));
    }

    private ClientCredentialsTokens tokens(String secret) {
        UpstreamCredentials.ClientCredentials credentials = new UpstreamCredentials.ClientCredentials(server.tokenUrl(), FakeHttpUpstream.CLIENT_ID, secret, "s");
        return new ClientCredentialsTokens(credentials, server.mcpUrl(), HttpClient.newHttpClient(), clock);
    }
}
