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
import java.util.Map;
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
