package dev.mcpauth.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Spans exported by OTLP/HTTP with the OpenTelemetry SDK; loaded by name from {@link Tracing#otlp} only. */
final class OtlpTracing implements Tracing {

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public OtlpTracing(URI endpoint) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint.toString())
                .setTimeout(Duration.ofSeconds(5)).build();
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "mcp-auth"))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMillis(200)).build())
                .build();
        this.tracer = provider.get("dev.mcpauth");
    }

    @Override
    public Span start(String name, boolean server, TraceParent parent, long startEpochNanos) {
        Context context = Context.root();
        if (parent != null) {
            context = context.with(io.opentelemetry.api.trace.Span.wrap(SpanContext.createFromRemoteParent(parent.traceId(),
                    parent.parentId(), TraceFlags.fromByte((byte) parent.flags()), TraceState.getDefault())));
        }
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder(name).setParent(context)
                .setSpanKind(server ? SpanKind.SERVER : SpanKind.INTERNAL)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS).startSpan();
        SpanContext sc = span.getSpanContext();
        TraceParent self = new TraceParent(sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asByte());
        return new Span() {
            @Override
            public TraceParent context() {
                return self;
            }

            @Override
            public void attribute(String key, String value) {
                span.setAttribute(key, value);
            }

            @Override
            public void end(long epochNanos) {
                span.end(epochNanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
