package dev.mcpauth.upstream;

import static dev.mcpauth.upstream.UpstreamTesting.FAST;
import static dev.mcpauth.upstream.UpstreamTesting.await;
import static dev.mcpauth.upstream.UpstreamTesting.call;
import static dev.mcpauth.upstream.UpstreamTesting.names;
import static dev.mcpauth.upstream.UpstreamTesting.text;
import static dev.mcpauth.upstream.UpstreamTesting.tinySpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mcpauth.mcp.ToolCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link Upstreams}: start, status, stop; what the children leave behind (logs, processes, threads). */
class UpstreamsLifecycleTest {

    private final ToolCatalog catalog = new ToolCatalog();

    @Test
    void childStderrGoesToTheUpstreamLogLineByLineAndNeverToStdout() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        Logger logger = (Logger) LoggerFactory.getLogger("upstream.noisy");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Upstreams upstreams = new Upstreams(List.of(tinySpec("noisy").withEnv(Map.of(TinyUpstreamServer.STDERR_MARKER_ENV, marker))), FAST, Duration.ofSeconds(30));
        try {
            upstreams.startAll(catalog);
            await("stderr lines logged", Duration.ofSeconds(10), () -> appender.list.stream().anyMatch(e -> e.getFormattedMessage().equals("second stderr line")));
            // stdout of the child is the protocol: calls still work with stderr chatter going on.
            assertThat(text(call(catalog, "noisy__echo", Map.of("text", "fine")))).isEqualTo("fine");
        } finally {
            upstreams.stopAll();
            System.setOut(stdout);
            logger.detachAppender(appender);
            logger.setAdditive(true);
        }

        List<ILoggingEvent> stderrLines = appender.list.stream().filter(e -> e.getFormattedMessage().contains(marker)).toList();
        assertThat(stderrLines).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getLoggerName()).isEqualTo("upstream.noisy");
            assertThat(e.getFormattedMessage()).isEqualTo("tiny upstream starting; marker=" + marker);
        });
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(marker).doesNotContain("second stderr line");
    }

    @Test
    void stopAllEndsEveryChildProcessTreeAndRemovesTheTools() throws Exception {
        Upstreams upstreams = new Upstreams(List.of(tinySpec("one"), tinySpec("two")), FAST, Duration.ofSeconds(30));
        upstreams.startAll(catalog);
        List<ProcessHandle> processes = new ArrayList<>();
        for (UpstreamConnection connection : upstreams.connections()) {
            processes.add(ProcessHandle.of(connection.pid()).orElseThrow());
        }
        // A grandchild (started by the upstream itself) must be ended too.
        long grandchild = Long.parseLong(text(call(catalog, "one__spawn", Map.of())));
        processes.add(ProcessHandle.of(grandchild).orElseThrow());
        assertThat(processes).allMatch(ProcessHandle::isAlive);

        upstreams.stopAll();

        await("every child and grandchild ended", Duration.ofSeconds(10), () -> processes.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(names(catalog)).isEmpty();
        assertThat(upstreams.statusMap()).containsExactly(Map.entry("one", UpstreamStatus.DOWN), Map.entry("two", UpstreamStatus.DOWN));
    }

    @Test
    void statusMapShowsEachUpstreamInConfigurationOrder() throws Exception {
        UpstreamSpec broken = UpstreamSpec.stdio("broken", List.of("/nonexistent/mcp-server-" + UUID.randomUUID()));
        Upstreams upstreams = new Upstreams(List.of(tinySpec("good"), broken), FAST, Duration.ofSeconds(30));
        assertThat(upstreams.statusMap()).containsExactly(Map.entry("good", UpstreamStatus.DOWN), Map.entry("broken", UpstreamStatus.DOWN));
        try {
            upstreams.startAll(catalog);

            assertThat(upstreams.statusMap()).containsExactly(Map.entry("good", UpstreamStatus.UP), Map.entry("broken", UpstreamStatus.RESTARTING));
            UpstreamConnection brokenConnection = upstreams.connections().get(1);
            assertThat(brokenConnection.lastProblem()).hasValueSatisfying(p -> assertThat(p).contains("upstream broken could not connect", "cannot start"));
            assertThat(names(catalog)).allMatch(n -> n.startsWith("good__"));
        } finally {
            upstreams.stopAll();
        }
    }

    @Test
    void stopAllLeavesNoThreadThatKeepsTheJvmAlive() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        Upstreams upstreams = new Upstreams(List.of(tinySpec("threads")), FAST, Duration.ofSeconds(30));
        upstreams.startAll(catalog);
        call(catalog, "threads__echo", Map.of("text", "x"));
        call(catalog, "threads__slow", Map.of("ms", 10));

        upstreams.stopAll();

        await("no new non-daemon thread", Duration.ofSeconds(5), () -> !hasNew(before));
        assertThat(describe(before)).isEmpty();
    }

    @Test
    void twoUpstreamsWithTheSameNameAreRefused() {
        assertThatThrownBy(() -> new Upstreams(List.of(tinySpec("same"), tinySpec("same"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two upstreams are named 'same'");
    }

    @Test
    void unprefixedToolThatClashesWithAnotherSourceIsLeftOutAndTheRestIsPublished() throws Exception {
        ToolCatalog shared = new ToolCatalog();
        UpstreamConnection first = UpstreamTesting.startTiny(tinySpec("first").withPrefix(false), shared);
        try {
            UpstreamConnection second = UpstreamTesting.startTiny(tinySpec("second").withPrefix(false), shared);
            try {
                call(shared, "add_tool", Map.of("name", "only_in_first"));
                await("only_in_first published", Duration.ofSeconds(10), () -> shared.find("only_in_first").isPresent());

                assertThat(second.toolNames()).isEmpty();
                assertThat(first.toolNames()).contains("echo", "only_in_first");
            } finally {
                second.stop();
            }
        } finally {
            first.stop();
        }
    }

    private static boolean hasNew(Set<Thread> before) {
        return !describe(before).isEmpty();
    }

    private static List<String> describe(Set<Thread> before) {
        return nonDaemonThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName).collect(Collectors.toList());
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.isDaemon() && t.isAlive()).collect(Collectors.toSet());
    }
}
