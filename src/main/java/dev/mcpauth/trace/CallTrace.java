package dev.mcpauth.trace;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trace context of one client request toward the upstreams the gateway calls for it. When spans are exported,
 * each upstream call is a span of its own ({@code upstream call}, child of the request span) and the upstream is told
 * that span as its parent; when they are not, the caller's own {@code traceparent} is passed on unchanged, so the
 * upstream still joins the caller's trace. The upstream learns it in {@code _meta.traceparent} (MCP 2026-07-28 carries
 * trace context there) and, over HTTP, in the {@code traceparent} header (W3C Trace Context section 3).
 */
public final class CallTrace {

    public static final String TRACEPARENT = "traceparent";

    private final Tracing tracing;
    private final TraceParent parent;

    private CallTrace(Tracing tracing, TraceParent parent) {
        this.tracing = tracing;
        this.parent = parent;
    }

    /** Upstream calls are children of {@code parent}: the request span when {@code tracing} exports, else the caller's. */
    public static CallTrace of(Tracing tracing, TraceParent parent) {
        return new CallTrace(tracing, parent);
    }

    /** The caller's trace context (or the request span's, when exported), for the audit trail's trace id. */
    public TraceParent parent() {
        return parent;
    }

    /** One call to an upstream: the {@code _meta} to send, and the end of its span. */
    public interface Hop {
        /** {@code meta} with {@code traceparent} naming this call (a copy; {@code meta} itself is not changed). */
        Map<String, Object> meta(Map<String, Object> meta);

        void end(String outcome);
    }

    /**
     * Starts the call of {@code tool} on {@code upstream}; nothing to propagate and no span when {@code trace} is null
     * or {@code upstream} is (a tool of the gateway's own).
     */
    public static Hop upstreamCall(CallTrace trace, String upstream, String tool) {
        return upstreamRequest(trace, upstream, "mcp.tool.name", tool);
    }

    /**
     * Starts a request to {@code upstream} for the entry named by {@code attribute} ({@code mcp.tool.name},
     * {@code mcp.prompt.name}, {@code mcp.resource.uri}); no span and nothing to propagate as for {@link #upstreamCall}.
     */
    public static Hop upstreamRequest(CallTrace trace, String upstream, String attribute, String value) {
        if (trace == null || upstream == null || trace.parent == null && !trace.tracing.enabled()) {
            return PASS_THROUGH;
        }
        if (!trace.tracing.enabled()) {
            // Not exported: the caller's own context goes on unchanged, unless the request's _meta already names one.
            return new Hop() {
                public Map<String, Object> meta(Map<String, Object> meta) {
                    boolean ownValid = meta.get(TRACEPARENT) instanceof String own && TraceParent.parse(own).isPresent();
                    return ownValid ? meta : with(meta, trace.parent);
                }

                public void end(String outcome) {
                }
            };
        }
        Tracing.Span span = trace.tracing.start("upstream call", false, trace.parent, Tracing.now());
        span.attribute("mcp.upstream.name", upstream);
        span.attribute(attribute, value);
        return new Hop() {
            public Map<String, Object> meta(Map<String, Object> meta) {
                return with(meta, span.context());
            }

            public void end(String outcome) {
                span.attribute("outcome", outcome);
                span.end(Tracing.now());
            }
        };
    }

    /**
     * One request to {@code upstream} as a hop of its own ({@link #upstreamRequest(CallTrace, String, String, String)}):
     * {@code send} gets the {@code _meta} that tells the upstream its trace context; the span ends ok, or failed when
     * {@code send} throws.
     */
    public static <T> T upstreamRequest(CallTrace trace, String upstream, String attribute, String value,
                                        java.util.function.Function<Map<String, Object>, T> send) {
        return upstreamRequest(trace, upstream, attribute, value, Map.of(), send);
    }

    /** As {@link #upstreamRequest(CallTrace, String, String, String, java.util.function.Function)}, adding to the request's own {@code meta}. */
    public static <T> T upstreamRequest(CallTrace trace, String upstream, String attribute, String value, Map<String, Object> meta,
                                        java.util.function.Function<Map<String, Object>, T> send) {
        Hop hop = upstreamRequest(trace, upstream, attribute, value);
        String outcome = "failed";
        try {
            T result = send.apply(hop.meta(meta));
            outcome = "ok";
            return result;
        } finally {
            hop.end(outcome);
        }
    }

    private static final Hop PASS_THROUGH = new Hop() {
        public Map<String, Object> meta(Map<String, Object> meta) {
            return meta;
        }

        public void end(String outcome) {
        }
    };

    private static Map<String, Object> with(Map<String, Object> meta, TraceParent traceparent) {
        Map<String, Object> copy = new LinkedHashMap<>(meta);
        copy.put(TRACEPARENT, traceparent.format());
        return copy;
    }
}
