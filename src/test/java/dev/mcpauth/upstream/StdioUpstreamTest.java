package dev.mcpauth.upstream;

import static dev.mcpauth.upstream.UpstreamTesting.await;
import static dev.mcpauth.upstream.UpstreamTesting.call;
import static dev.mcpauth.upstream.UpstreamTesting.names;
import static dev.mcpauth.upstream.UpstreamTesting.startTiny;
import static dev.mcpauth.upstream.UpstreamTesting.text;
import static dev.mcpauth.upstream.UpstreamTesting.tinySpec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.ToolCatalog;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real child process (the tiny server) behind an {@link UpstreamConnection}: publishing, calls, limits, restarts. */
class StdioUpstreamTest {

    private final ToolCatalog catalog = new ToolCatalog();
    private UpstreamConnection connection;

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.stop();
        }
    }

    @Test
    void toolsFromEveryPageArePublishedWithThePrefix() throws Exception {
        connection = startTiny(tinySpec("tiny"), catalog);

        assertThat(names(catalog)).containsExactly("tiny__add_tool", "tiny__crash", "tiny__echo", "tiny__pid", "tiny__slow", "tiny__spawn");
        assertThat(catalog.find("tiny__echo").orElseThrow().tool().description()).isEqualTo("tiny tool echo");
        assertThat(connection.status()).isEqualTo(UpstreamStatus.UP);
    }

    @Test
    void unprefixedUpstreamExposesTheOriginalNames() throws Exception {
        connection = startTiny(tinySpec("tiny").withPrefix(false), catalog);

        assertThat(names(catalog)).contains("echo", "slow").doesNotContain("tiny__echo");
        assertThat(text(call(catalog, "echo", Map.of("text", "plain")))).isEqualTo("plain");
    }

    @Test
    void callReachesTheUpstreamToolWithItsOriginalNameAndArguments() throws Exception {
        connection = startTiny(tinySpec("tiny"), catalog);

        CallToolResult result = call(catalog, "tiny__echo", Map.of("text", "hello upstream"));

        assertThat(result.isError()).isFalse();
        assertThat(text(result)).isEqualTo("hello upstream");
    }

    @Test
    void callPastThePerCallTimeoutIsAnErrorNamingTheUpstreamAndTheTimeout() throws Exception {
        connection = startTiny(tinySpec("tiny").withCallTimeout(Duration.ofMillis(500)), catalog);

        long start = System.nanoTime();
        CallToolResult result = call(catalog, "tiny__slow", Map.of("ms", 5000));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("upstream tiny", "'slow'", "500 ms", "timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        // The upstream is still usable afterwards.
        assertThat(text(call(catalog, "tiny__echo", Map.of("text", "after")))).isEqualTo("after");
    }

    @Test
    void callOverTheConcurrencyLimitWaitsForAFreeSlot() throws Exception {
        connection = startTiny(tinySpec("tiny").withMaxConcurrentCalls(2).withCallTimeout(Duration.ofSeconds(10)), catalog);

        long start = System.nanoTime();
        List<CallToolResult> results = concurrently(3, () -> call(catalog, "tiny__slow", Map.of("ms", 600)));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(results).allSatisfy(r -> assertThat(text(r)).isEqualTo("slept 600 ms"));
        // Two ran at once; the third waited for one of them: two rounds of 600 ms.
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void callThatFindsNoFreeSlotWithinTheTimeoutIsBusy() throws Exception {
        connection = startTiny(tinySpec("tiny").withMaxConcurrentCalls(2).withCallTimeout(Duration.ofSeconds(1)), catalog);

        List<String> texts = concurrently(3, () -> text(call(catalog, "tiny__slow", Map.of("ms", 3000))));

        assertThat(texts).filteredOn(t -> t.contains("is busy")).hasSize(1)
                .allSatisfy(t -> assertThat(t).contains("upstream tiny", "2 calls are already running"));
        assertThat(texts).filteredOn(t -> t.contains("within 1 s (the per-call timeout)")).hasSize(2);
    }

    @Test
    void childThatCrashesMidCallFailsTheCallPromptlyAndIsRestarted() throws Exception {
        connection = startTiny(tinySpec("tiny").withCallTimeout(Duration.ofSeconds(30)), catalog);
        long firstPid = connection.pid();
        CompletableFuture<CallToolResult> inFlight = CompletableFuture.supplyAsync(() -> callUnchecked("tiny__slow", Map.of("ms", 20_000)),
                Executors.newVirtualThreadPerTaskExecutor());
        Thread.sleep(200);

        long start = System.nanoTime();
        call(catalog, "tiny__crash", Map.of("code", 3));
        CallToolResult failed = inFlight.get(5, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(failed.isError()).isTrue();
        assertThat(text(failed)).contains("upstream tiny exited (code 3)", "'slow'");
        await("restart with a new child", Duration.ofSeconds(30), () -> connection.status() == UpstreamStatus.UP && connection.pid() > 0 && connection.pid() != firstPid);
        assertThat(text(call(catalog, "tiny__echo", Map.of("text", "back")))).isEqualTo("back");
        assertThat(names(catalog)).contains("tiny__echo");
    }

    @Test
    void childKilledFromOutsideFailsTheCallPromptlyAndIsRestarted() throws Exception {
        connection = startTiny(tinySpec("tiny").withCallTimeout(Duration.ofSeconds(30)), catalog);
        long firstPid = connection.pid();
        CompletableFuture<CallToolResult> inFlight = CompletableFuture.supplyAsync(() -> callUnchecked("tiny__slow", Map.of("ms", 20_000)),
                Executors.newVirtualThreadPerTaskExecutor());
        Thread.sleep(200);

        long start = System.nanoTime();
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
        CallToolResult failed = inFlight.get(5, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(text(failed)).contains("upstream tiny exited (code 137)");
        await("restart with a new child", Duration.ofSeconds(30), () -> connection.status() == UpstreamStatus.UP && connection.pid() > 0 && connection.pid() != firstPid);
        assertThat(text(call(catalog, "tiny__echo", Map.of("text", "again")))).isEqualTo("again");
    }

    @Test
    void callWhileTheUpstreamRestartsGetsARestartingError() throws Exception {
        // A long backoff keeps the upstream in RESTARTING long enough to call it.
        connection = new UpstreamConnection(tinySpec("tiny"), catalog, new Backoff(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofMinutes(1)));
        connection.start();
        assertThat(connection.awaitFirstAttempt(Duration.ofSeconds(30))).isTrue();

        call(catalog, "tiny__crash", Map.of("code", 7));
        await("restarting", Duration.ofSeconds(10), () -> connection.status() == UpstreamStatus.RESTARTING);
        CallToolResult result = call(catalog, "tiny__echo", Map.of("text", "x"));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("upstream tiny is restarting", "exited (code 7)", "try again");
        assertThat(names(catalog)).as("tools stay listed while restarting").contains("tiny__echo");
    }

    @Test
    void listChangedNotificationRepublishesTheTools() throws Exception {
        connection = startTiny(tinySpec("tiny"), catalog);

        call(catalog, "tiny__add_tool", Map.of("name", "extra"));

        await("tiny__extra in the catalog", Duration.ofSeconds(10), () -> catalog.find("tiny__extra").isPresent());
        assertThat(text(call(catalog, "tiny__extra", Map.of()))).isEqualTo("I am extra");
        assertThat(connection.toolNames()).contains("tiny__extra", "tiny__echo");
    }

    @Test
    void jsonRpcErrorFromTheUpstreamIsPassedOnAsAToolError() throws Exception {
        UpstreamSpec spec = tinySpec("tiny");
        try (UpstreamSession session = UpstreamSession.create(spec, java.net.http.HttpClient.newHttpClient(), java.time.Clock.systemUTC(), (s, t) -> { })) {
            session.initialize();
            UpstreamCalls calls = new UpstreamCalls(spec, caller -> session, () -> "unavailable");

            CallToolResult result = calls.call(null, "ghost", Map.of());

            assertThat(result.isError()).isTrue();
            assertThat(text(result)).contains("upstream tiny refused tool 'ghost'", "unknown tool: ghost");
            assertThat(session.lost()).as("an error answer does not end the connection").isNotDone();
        }
    }

    private CallToolResult callUnchecked(String tool, Map<String, Object> arguments) {
        try {
            return call(catalog, tool, arguments);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    interface Body<T> {
        T run() throws Exception;
    }

    static <T> List<T> concurrently(int n, Body<T> body) throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return body.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, executor));
            }
            List<T> results = new java.util.ArrayList<>();
            for (CompletableFuture<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        }
    }
}
