package dev.mcpauth.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The audit logger's lines, written to stderr by one background thread instead of by each request: at full load the
 * synchronous line (a lock and a write(2) per call, on the request's thread) took as much CPU again as the call
 * (bench/README.md), and a stalled reader of stderr stalled every request. Bounded: when {@code capacity} lines wait,
 * new ones are dropped and counted, never waited for; the next line that fits is preceded by a WARN line saying how
 * many were dropped, so a gap in the trail is always visible in the trail itself.
 *
 * <p>Not logback's {@code AsyncAppender}: its writer sleeps in {@code take()}, so nearly every line woke it, and
 * waking a thread (a futex call from the request's thread, a context switch) cost more than the line: 9% of the
 * CPU of a stateless {@code tools/call} under load, and the writer's own wake-ups as much again (bench/README.md).
 * Here a request only appends to a lock-free queue. The writer, while lines keep coming, sleeps {@link #LINGER_NANOS}
 * on its own timer and then writes everything that arrived as one batch (one write(2)); only when it found nothing
 * does it sleep until the next line wakes it, so an idle gateway costs nothing and a busy one wakes the writer at
 * most every {@link #LINGER_NANOS}. A line reaches stderr at most that much later than it would have.
 */
final class AuditQueue extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final int DEFAULT_CAPACITY = 8192;
    /** How long the writer lets lines gather while they keep coming: the most a line waits for stderr. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** How long {@link #stop()} waits for the lines still queued to be written. */
    private static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int capacity;
    private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    /** Lines queued and not yet taken by the writer. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    /** Drops already reported in the trail. */
    private final AtomicLong reported = new AtomicLong();
    private volatile Appender<ILoggingEvent> target;
    private volatile Thread writer;
    /** Set by the writer before it sleeps with no deadline: the next line must wake it. */
    private volatile boolean idle;
    private volatile boolean stopping;

    AuditQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        setName("AUDIT-QUEUE");
    }

    /** Where the lines go: stderr's appender. Lines are batched when it writes an encoder's bytes to a stream. */
    void addAppender(Appender<ILoggingEvent> appender) {
        this.target = Objects.requireNonNull(appender);
    }

    @Override
    public void start() {
        if (target == null) {
            addError("AuditQueue has no appender to write to");
            return;
        }
        stopping = false;
        Thread thread = Thread.ofPlatform().daemon().name("mcp-auth-audit-writer").unstarted(this::writeUntilStopped);
        writer = thread;
        super.start();
        thread.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            dropped.increment();
            dev.mcpauth.metrics.Metrics.auditDropped(1);
            return;
        }
        long total = dropped.sum();
        long already = reported.get();
        if (total > already && reported.compareAndSet(already, total)) {
            // The WARN line takes the place this line reserved; this line needs one more (beyond capacity by one at most).
            waiting.incrementAndGet();
            queue.offer(droppedLine((LoggerContext) getContext(), event, total - already));
        }
        // Message, arguments and thread name are resolved now, on the caller's thread (what AsyncAppender did).
        event.prepareForDeferredProcessing();
        queue.offer(event);
        if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /** Audit lines dropped since the process started because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Writes what is queued (for at most a second), then ends the writer. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        stopping = true;
        Thread thread = writer;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(FLUSH_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            addWarn("AuditQueue: " + waiting.get() + " line(s) not written within a second of stopping");
        }
        super.stop();
    }

    private void writeUntilStopped() {
        List<ILoggingEvent> batch = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        while (true) {
            boolean stop = stopping;
            int taken = take(batch);
            if (taken > 0) {
                write(batch, bytes);
                batch.clear();
                if (!stop) {
                    // Lines are coming: let more gather on our own timer rather than be woken by each of them.
                    LockSupport.parkNanos(this, LINGER_NANOS);
                }
                continue;
            }
            if (stop) {
                return;
            }
            idle = true;
            if (queue.isEmpty() && !stopping) {
                LockSupport.park(this);
            }
            idle = false;
        }
    }

    private int take(List<ILoggingEvent> batch) {
        for (ILoggingEvent event; (event = queue.poll()) != null; ) {
            batch.add(event);
        }
        waiting.addAndGet(-batch.size());
        return batch.size();
    }

    /**
     * One batch: stderr's encoder turns each line into bytes and the batch goes out in one write; any other appender
     * (a user's logback.xml never reaches here; tests) gets the lines one by one.
     */
    private void write(List<ILoggingEvent> batch, ByteArrayOutputStream bytes) {
        Appender<ILoggingEvent> out = target;
        if (out instanceof OutputStreamAppender<ILoggingEvent> stream && stream.isStarted() && stream.getOutputStream() != null) {
            Encoder<ILoggingEvent> encoder = stream.getEncoder();
            bytes.reset();
            for (ILoggingEvent event : batch) {
                try {
                    bytes.writeBytes(encoder.encode(event));
                } catch (RuntimeException e) {
                    addError("AuditQueue: a line could not be encoded", e);
                }
            }
            try {
                OutputStream os = stream.getOutputStream();
                bytes.writeTo(os);
                os.flush();
            } catch (IOException e) {
                addError("AuditQueue: stderr could not be written", e);
            }
            return;
        }
        for (ILoggingEvent event : batch) {
            out.doAppend(event);
        }
    }

    private static ILoggingEvent droppedLine(LoggerContext context, ILoggingEvent next, long count) {
        Logger logger = context.getLogger(next.getLoggerName());
        return new LoggingEvent(AuditQueue.class.getName(), logger, Level.WARN,
                "event=audit_dropped count=" + count + " reason=\"stderr was read slower than audit lines were written\"",
                null, null);
    }
}
