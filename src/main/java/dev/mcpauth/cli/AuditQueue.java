package dev.mcpauth.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The audit logger's lines, written to stderr by one background thread instead of by each request: at full load the
 * synchronous line (a lock and a write(2) per call, on the request's thread) took as much CPU again as the call
 * (bench/README.md), and a stalled reader of stderr stalled every request. Bounded: when {@code capacity} lines wait,
 * new ones are dropped and counted, never waited for; the next line that fits is preceded by a WARN line saying how
 * many were dropped, so a gap in the trail is always visible in the trail itself.
 */
final class AuditQueue extends AsyncAppender {

    static final int DEFAULT_CAPACITY = 8192;

    private final LongAdder dropped = new LongAdder();
    /** Drops already reported in the trail. */
    private final AtomicLong reported = new AtomicLong();

    AuditQueue(int capacity) {
        setName("AUDIT-QUEUE");
        setQueueSize(capacity);
        // Never block a request, and never drop by level before the queue is full (audit lines are INFO).
        setNeverBlock(true);
        setDiscardingThreshold(0);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (getRemainingCapacity() == 0) {
            dropped.increment();
            dev.mcpauth.metrics.Metrics.auditDropped(1);
            return;
        }
        long total = dropped.sum();
        long already = reported.get();
        if (total > already && reported.compareAndSet(already, total)) {
            super.append(droppedLine((ch.qos.logback.classic.LoggerContext) getContext(), event, total - already));
        }
        super.append(event);
    }

    /** Audit lines dropped since the process started because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    private static ILoggingEvent droppedLine(ch.qos.logback.classic.LoggerContext context, ILoggingEvent next, long count) {
        Logger logger = context.getLogger(next.getLoggerName());
        return new LoggingEvent(AuditQueue.class.getName(), logger, Level.WARN,
                "event=audit_dropped count=" + count + " reason=\"stderr was read slower than audit lines were written\"",
                null, null);
    }
}
