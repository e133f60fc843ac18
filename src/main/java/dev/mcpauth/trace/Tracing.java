package dev.mcpauth.trace;

import java.net.URI;

/**
 * Where the gateway's spans go. {@link #OFF} costs nothing; {@link #otlp} exports by OTLP/HTTP and is the only place
 * that loads the OpenTelemetry SDK, by name, so that a server without {@code --otlp-endpoint} never loads a class of it.
 */
public interface Tracing extends AutoCloseable {

    /** One span, started at a given time (so that a stage timed before its parent was known can still be exported). */
    interface Span {
        /** This span as the parent of the next hop ({@code traceparent} toward an upstream). */
        TraceParent context();

        void attribute(String key, String value);

        void end(long epochNanos);
    }

    /** Starts a span at {@code startEpochNanos}, child of {@code parent} (a remote parent, or null for a new trace). */
    Span start(String name, boolean server, TraceParent parent, long startEpochNanos);

    boolean enabled();

    @Override
    void close();

    Tracing OFF = new Tracing() {
        @Override
        public Span start(String name, boolean server, TraceParent parent, long startEpochNanos) {
            throw new IllegalStateException("tracing is off");
        }

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void close() {
        }
    };

    /** The OTLP/HTTP exporter toward {@code endpoint} (e.g. {@code http://collector:4318/v1/traces}). */
    static Tracing otlp(URI endpoint) {
        try {
            return (Tracing) Class.forName("dev.mcpauth.trace.OtlpTracing").getConstructor(URI.class).newInstance(endpoint);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the OTLP exporter: " + e, e);
        }
    }

    /** Now, in nanoseconds since the epoch, as spans are timed. */
    static long now() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
