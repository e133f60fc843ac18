package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamSpecTest {

    @Test
    void defaultsAreSixtySecondsSixteenCallsAndPrefixedNames() {
        UpstreamSpec spec = UpstreamSpec.stdio("fs", List.of("npx", "server-filesystem"));

        assertThat(spec.callTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(spec.maxConcurrentCalls()).isEqualTo(16);
        assertThat(spec.exposedName("read_file")).isEqualTo("fs__read_file");
        assertThat(spec.withPrefix(false).exposedName("read_file")).isEqualTo("read_file");
        assertThat(spec.source()).isEqualTo("upstream:fs");
    }

    @Test
    void prefixIsLeftOutOnlyForASingleUpstreamWithoutBuiltinTools() {
        assertThat(UpstreamSpec.prefixNeeded(1, false)).isFalse();
        assertThat(UpstreamSpec.prefixNeeded(1, true)).isTrue();
        assertThat(UpstreamSpec.prefixNeeded(2, false)).isTrue();
    }

    @Test
    void nameThatWouldBreakThePrefixIsRefused() {
        for (String bad : List.of("", "a__b", "a b", "fs_", "_fs", "a/b")) {
            assertThatThrownBy(() -> UpstreamSpec.stdio(bad, List.of("x"))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstream name");
        }
        assertThat(UpstreamSpec.stdio("git-repo_2", List.of("x")).name()).isEqualTo("git-repo_2");
    }

    @Test
    void exactlyOneOfCommandAndUrlIsRequired() {
        assertThatThrownBy(() -> new UpstreamSpec("x", List.of("a"), null, null, URI.create("https://h/mcp"), null, null, 1, true))
                .hasMessageContaining("exactly one of a command");
        assertThatThrownBy(() -> new UpstreamSpec("x", null, null, null, null, null, null, 1, true))
                .hasMessageContaining("exactly one of a command");
        assertThatThrownBy(() -> UpstreamSpec.stdio("x", List.of())).hasMessageContaining("empty command");
    }

    @Test
    void credentialsOverPlainHttpAreRefusedExceptOnLoopback() {
        UpstreamCredentials token = new UpstreamCredentials.StaticBearer("t");

        assertThatThrownBy(() -> UpstreamSpec.http("remote", URI.create("http://mcp.example.com/mcp"), token))
                .hasMessageContaining("must use https");
        assertThat(UpstreamSpec.http("local", URI.create("http://127.0.0.1:9000/mcp"), token).url().getPort()).isEqualTo(9000);
        assertThat(UpstreamSpec.http("local", URI.create("http://localhost:9000/mcp"), token).isStdio()).isFalse();
        assertThat(UpstreamSpec.http("open", URI.create("http://mcp.example.com/mcp"), null).credentials()).isInstanceOf(UpstreamCredentials.None.class);
    }

    @Test
    void credentialsAreRefusedForStdioUpstreams() {
        assertThatThrownBy(() -> new UpstreamSpec("x", List.of("a"), null, null, null, new UpstreamCredentials.StaticBearer("t"), null, 1, true))
                .hasMessageContaining("credentials apply to HTTP upstreams only");
    }

    @Test
    void toStringShowsNoSecret() {
        UpstreamSpec http = UpstreamSpec.http("remote", URI.create("https://mcp.example.com/mcp"),
                new UpstreamCredentials.ClientCredentials(URI.create("https://as.example.com/token"), "gw", "very-secret", "a b"));
        UpstreamSpec stdio = UpstreamSpec.stdio("fs", List.of("server")).withEnv(Map.of("API_KEY", "env-secret"));

        assertThat(http.toString()).contains("clientId=gw").doesNotContain("very-secret");
        assertThat(stdio.toString()).contains("API_KEY").doesNotContain("env-secret");
        assertThat(new UpstreamCredentials.StaticBearer("bearer-secret").toString()).doesNotContain("bearer-secret");
    }

    @Test
    void limitsMustBePositive() {
        UpstreamSpec spec = UpstreamSpec.stdio("x", List.of("a"));
        assertThatThrownBy(() -> spec.withMaxConcurrentCalls(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> spec.withCallTimeout(Duration.ZERO)).hasMessageContaining("must be positive");
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        Backoff backoff = Backoff.DEFAULT;
        assertThat(backoff.next(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(30));
    }
}
