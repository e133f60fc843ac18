package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class AuditQueueTest {

    /** stderr whose reader has stalled until {@link #reading} opens; records every line it is given. */
    private static final class StalledStderr extends AppenderBase<ILoggingEvent> {
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch firstLineTaken = new CountDownLatch(1);
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            firstLineTaken.countDown();
            try {
                reading.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(event.getLevel() + " " + event.getFormattedMessage());
        }
    }

    @Test
    void aStalledStderrNeverBlocksTheCallerAndEveryDroppedLineIsCountedInTheTrail() throws Exception {
        LoggerContext context = context();
        Logger audit = context.getLogger("audit");
        StalledStderr stderr = new StalledStderr();
        stderr.setContext(context);
        stderr.start();
        AuditQueue queue = started(new AuditQueue(16), stderr);

        queue.doAppend(line(audit, 0));
        assertThat(stderr.firstLineTaken.await(10, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            queue.doAppend(line(audit, i));
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("100 lines with stderr stalled").isLessThan(2_000);
        assertThat(queue.dropped()).as("line 0 being written, 16 waiting, the other 84 dropped").isEqualTo(84);

        stderr.reading.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stderr.lines.size() < 17 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        queue.doAppend(line(audit, 101));
        queue.stop();

        assertThat(stderr.lines).hasSize(19);
        assertThat(stderr.lines.subList(0, 17)).allSatisfy(l -> assertThat(l).startsWith("INFO event=tool_call"));
        assertThat(stderr.lines.get(17)).startsWith("WARN event=audit_dropped count=84 ");
        assertThat(stderr.lines.get(18)).isEqualTo("INFO event=tool_call n=101");
    }

    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        return context;
    }

    /** The queue in front of {@code stderr}, in stderr's context, started as LogConfigurator starts it. */
    private static AuditQueue started(AuditQueue queue, ch.qos.logback.core.Appender<ILoggingEvent> stderr) {
        queue.setContext(stderr.getContext());
        queue.addAppender(stderr);
        queue.start();
        return queue;
    }

    private static LoggingEvent line(Logger audit, int n) {
        return new LoggingEvent(AuditQueueTest.class.getName(), audit, Level.INFO, "event=tool_call n=" + n, null, null);
    }

    /**
     * Lines that keep coming are written in batches (one write per batch, in order, none lost), and a line after a
     * quiet spell still reaches stderr at once: the writer is woken by a line only when it found nothing to write.
     */
    @Test
    void linesUnderLoadAreWrittenInBatchesInOrderAndALoneLineIsNotHeldBack() throws Exception {
        LoggerContext context = context();
        Logger audit = context.getLogger("audit");
        CountingStream sink = new CountingStream();
        ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> stderr = new ch.qos.logback.core.OutputStreamAppender<>();
        stderr.setContext(context);
        ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        stderr.setEncoder(encoder);
        stderr.setOutputStream(sink);
        stderr.start();
        AuditQueue queue = started(new AuditQueue(AuditQueue.DEFAULT_CAPACITY), stderr);

        int lines = 4 * 5_000;
        Thread[] callers = new Thread[4];
        for (int t = 0; t < callers.length; t++) {
            int caller = t;
            callers[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < lines / 4; i++) {
                    queue.doAppend(line(audit, (caller + 1) * 1_000_000 + i));
                    if (i % 50 == 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                }
            });
        }
        for (Thread caller : callers) {
            caller.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sink.lines().size() < lines && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<String> written = sink.lines();
        assertThat(queue.dropped()).isZero();
        assertThat(written).hasSize(lines);
        for (int t = 0; t < callers.length; t++) {
            String prefix = "event=tool_call n=" + (t + 1);
            List<Integer> mine = written.stream().filter(l -> l.startsWith(prefix) && l.length() == prefix.length() + 6)
                    .map(l -> Integer.parseInt(l.substring(prefix.length()))).toList();
            assertThat(mine).as("caller %d's lines, in its order", t).hasSize(lines / 4).isSorted();
        }
        assertThat(sink.writes.get()).as("writes for %d lines", lines).isLessThan(lines / 10);

        Thread.sleep(200);
        long before = System.nanoTime();
        queue.doAppend(line(audit, 7));
        while (sink.lines().size() < lines + 1 && System.nanoTime() - before < TimeUnit.SECONDS.toNanos(5)) {
            Thread.onSpinWait();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).as("a lone line after a quiet spell").isLessThan(500);
        queue.stop();
        assertThat(sink.lines()).last().isEqualTo("event=tool_call n=7");
    }

    /** stderr as bytes, counting the writes that reach it. */
    private static final class CountingStream extends java.io.OutputStream {
        final java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            writes.incrementAndGet();
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            bytes.write(b, off, len);
        }

        synchronized List<String> lines() {
            String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }
}
