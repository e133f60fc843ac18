package dev.mcpauth.upstream;

import static dev.mcpauth.upstream.UpstreamTesting.FAST;
import static dev.mcpauth.upstream.UpstreamTesting.await;
import static dev.mcpauth.upstream.UpstreamTesting.call;
import static dev.mcpauth.upstream.UpstreamTesting.names;
import static dev.mcpauth.upstream.UpstreamTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.ToolCatalog;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Streamable HTTP upstream (a local fake at the edge of the world) behind an {@link UpstreamConnection}. */
class HttpUpstreamTest {

    private final ToolCatalog catalog = new ToolCatalog();
    private FakeHttpUpstream upstream;
    private UpstreamConnection connection;

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.stop();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void staticBearerTokenIsTheOnlyCredentialTheUpstreamEverSees() throws Exception {
        upstream = new FakeHttpUpstream(0);
        upstream.acceptedTokens.add("static-upstream-token");
        connection = start(UpstreamSpec.http("remote", upstream.mcpUrl(), new UpstreamCredentials.StaticBearer("static-upstream-token")));

        CallToolResult result = call(catalog, "remote__echo", Map.of("text", "over http"));

        assertThat(text(result)).isEqualTo("over http");
        assertThat(names(catalog)).containsExactly("remote__echo");
        assertThat(upstream.authorizations).hasSizeGreaterThanOrEqualTo(3).allMatch("Bearer static-upstream-token"::equals);
    }

    @Test
    void upstreamThatRejectsTheStaticTokenIsNotUpAndSaysWhy() throws Exception {
        upstream = new FakeHttpUpstream(0);
        upstream.acceptedTokens.add("the-right-token");
        connection = new UpstreamConnection(UpstreamSpec.http("remote", upstream.mcpUrl(), new UpstreamCredentials.StaticBearer("a-wrong-token")), catalog, FAST);
        connection.start();

        assertThat(connection.awaitFirstAttempt(Duration.ofSeconds(30))).isFalse();
        assertThat(connection.status()).isEqualTo(UpstreamStatus.RESTARTING);
        assertThat(connection.lastProblem()).hasValueSatisfying(p -> assertThat(p).contains("upstream remote could not connect"));
        assertThat(names(catalog)).isEmpty();
    }

    @Test
    void clientCredentialsTokenIsFetchedOnceCachedAndSentToTheUpstream() throws Exception {
        upstream = new FakeHttpUpstream(0);
        UpstreamCredentials credentials = new UpstreamCredentials.ClientCredentials(upstream.tokenUrl(), FakeHttpUpstream.CLIENT_ID,
                FakeHttpUpstream.CLIENT_SECRET, "tools:read tools:call");
        connection = start(UpstreamSpec.http("remote", upstream.mcpUrl(), credentials));

        assertThat(text(call(catalog, "remote__echo", Map.of("text", "one")))).isEqualTo("one");
        assertThat(text(call(catalog, "remote__echo", Map.of("text", "two")))).isEqualTo("two");

        assertThat(upstream.tokenRequests).singleElement().satisfies(form -> assertThat(form).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "client_credentials", "scope", "tools:read tools:call", "resource", upstream.mcpUrl().toString())));
        assertThat(upstream.authorizations).allMatch("Bearer cc-token-1"::equals);
    }

    @Test
    void tokenTheUpstreamStopsAcceptingIsReplacedByAFreshOne() throws Exception {
        upstream = new FakeHttpUpstream(0);
        UpstreamCredentials credentials = new UpstreamCredentials.ClientCredentials(upstream.tokenUrl(), FakeHttpUpstream.CLIENT_ID,
                FakeHttpUpstream.CLIENT_SECRET, null);
        connection = start(UpstreamSpec.http("remote", upstream.mcpUrl(), credentials));

        upstream.acceptedTokens.remove("cc-token-1");
        CallToolResult result = call(catalog, "remote__echo", Map.of("text", "after revocation"));

        assertThat(text(result)).isEqualTo("after revocation");
        assertThat(upstream.tokenRequests).hasSize(2);
        assertThat(upstream.authorizations.getLast()).isEqualTo("Bearer cc-token-2");
    }

    @Test
    void httpUpstreamThatGoesAwayIsReconnectedWhenItComesBack() throws Exception {
        upstream = new FakeHttpUpstream(0);
        upstream.acceptedTokens.add("t");
        int port = upstream.port();
        connection = start(UpstreamSpec.http("remote", upstream.mcpUrl(), new UpstreamCredentials.StaticBearer("t")).withCallTimeout(Duration.ofSeconds(5)));

        upstream.close();
        CallToolResult failed = call(catalog, "remote__echo", Map.of("text", "lost"));
        assertThat(failed.isError()).isTrue();
        assertThat(text(failed)).contains("upstream remote");

        upstream = new FakeHttpUpstream(port);
        upstream.acceptedTokens.add("t");
        // The status may still read UP from before the loss was noticed: wait for a call that really goes through.
        await("reconnected", Duration.ofSeconds(20), () -> "back".equals(echo("back")));
        await("status up again", Duration.ofSeconds(20), () -> connection.status() == UpstreamStatus.UP);
        assertThat(echo("still")).isEqualTo("still");
    }

    /** A token source that hands out "narrow" until the upstream's 403 names a scope, then "wide" if it agrees to retry. */
    private static final class SteppingTokens implements TokenSource {
        final List<String> challenges = new CopyOnWriteArrayList<>();
        private final boolean retry;
        private volatile String current = "narrow";

        SteppingTokens(boolean retry) {
            this.retry = retry;
        }

        @Override
        public String current() {
            return current;
        }

        @Override
        public void invalidate() {
            throw new AssertionError("a 403 must reach rejected(status, challenge)");
        }

        @Override
        public boolean rejected(int status, String challenge) {
            challenges.add(status + " " + challenge);
            if (retry) {
                current = "wide";
            }
            return retry;
        }
    }

    @Test
    void insufficientScopeReachesTheTokenSourceWithItsChallengeAndTheCallIsRetriedWithTheNextToken() throws Exception {
        upstream = new FakeHttpUpstream(0);
        upstream.acceptedTokens.addAll(List.of("narrow", "wide"));
        upstream.toolsCallToken = "wide";
        SteppingTokens tokens = new SteppingTokens(true);
        connection = start(UpstreamSpec.http("remote", upstream.mcpUrl(), new UpstreamCredentials.Provided(tokens)));

        CallToolResult result = call(catalog, "remote__echo", Map.of("text", "with more scope"));

        assertThat(text(result)).isEqualTo("with more scope");
        assertThat(tokens.challenges).containsExactly("403 Bearer error=\"insufficient_scope\", scope=\"tools:write\"");
    }

    @Test
    void insufficientScopeTheTokenSourceGivesUpOnGoesBackAsAnErrorWithoutARetry() throws Exception {
        upstream = new FakeHttpUpstream(0);
        upstream.acceptedTokens.add("narrow");
        upstream.toolsCallToken = "wide";
        SteppingTokens tokens = new SteppingTokens(false);
        connection = start(UpstreamSpec.http("remote", upstream.mcpUrl(), new UpstreamCredentials.Provided(tokens)));
        int before = upstream.authorizations.size();

        CallToolResult result = call(catalog, "remote__echo", Map.of("text", "refused"));

        assertThat(result.isError()).isTrue();
        assertThat(tokens.challenges).hasSize(1);
        assertThat(upstream.authorizations.size() - before).isEqualTo(1);
    }

    private String echo(String value) {
        try {
            return text(call(catalog, "remote__echo", Map.of("text", value)));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private UpstreamConnection start(UpstreamSpec spec) throws InterruptedException {
        UpstreamConnection started = new UpstreamConnection(spec, catalog, FAST);
        started.start();
        assertThat(started.awaitFirstAttempt(Duration.ofSeconds(30))).as("up: " + started.lastProblem()).isTrue();
        return started;
    }
}
