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
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        Logger audit = context.getLogger("audit");
        StalledStderr stderr = new StalledStderr();
        stderr.setContext(context);
        stderr.start();
        AuditQueue queue = new AuditQueue(16);
        queue.setContext(context);
        queue.addAppender(stderr);
        queue.start();

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

    private static LoggingEvent line(Logger audit, int n) {
        return new LoggingEvent(AuditQueueTest.class.getName(), audit, Level.INFO, "event=tool_call n=" + n, null, null);
    }
}
