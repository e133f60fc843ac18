package dev.mcpauth.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.trace.CallTrace;
import dev.mcpauth.trace.TraceParent;
import dev.mcpauth.trace.Tracing;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import java.util.Optional;

/**
 * The spans of one /mcp request: {@code mcp request} (server), with {@code authenticate} and {@code authorize} as
 * its children. The caller's W3C {@code traceparent} comes from the HTTP header or, when there is none, from
 * {@code params._meta.traceparent} (MCP 2026-07-28) — which is read only after authentication, so the request and
 * authenticate spans are created once the body is read, with the times recorded when their stages ran. Handlers mark
 * the stages ({@link #begin}, {@link #authenticated}, {@link #bodyRead}, {@link #authorized}); each does nothing when
 * tracing is off.
 */
public final class RequestTrace {

    static final AttachmentKey<RequestTrace> KEY = AttachmentKey.create(RequestTrace.class);
    private static final HttpString TRACEPARENT = new HttpString("traceparent");

    private final Tracing tracing;
    private final TraceParent fromHeader;
    private final long start = Tracing.now();
    private long authenticatedAt;
    private Tracing.Span request;
    private Tracing.Span authorize;

    private RequestTrace(Tracing tracing, TraceParent fromHeader) {
        this.tracing = tracing;
        this.fromHeader = fromHeader;
    }

    /** First on /mcp: the header's parent, the start of the request and of authentication. */
    public static HttpHandler begin(Tracing tracing, HttpHandler next) {
        if (!tracing.enabled()) {
            return next;
        }
        return exchange -> {
            RequestTrace trace = new RequestTrace(tracing, TraceParent.parse(exchange.getRequestHeaders().getFirst(TRACEPARENT)).orElse(null));
            exchange.putAttachment(KEY, trace);
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                trace.finish(done);
                nextListener.proceed();
            });
            next.handleRequest(exchange);
        };
    }

    /** After authentication succeeded. */
    public static HttpHandler authenticated(HttpHandler next) {
        return exchange -> {
            RequestTrace trace = exchange.getAttachment(KEY);
            if (trace != null) {
                trace.authenticatedAt = Tracing.now();
            }
            next.handleRequest(exchange);
        };
    }

    /** After the body is read: the parent is known, the request and authenticate spans start, authorization begins. */
    public static HttpHandler bodyRead(HttpHandler next) {
        return exchange -> {
            RequestTrace trace = exchange.getAttachment(KEY);
            if (trace != null) {
                JsonRpcBody body = exchange.getAttachment(Exchanges.JSON_RPC_BODY);
                trace.started(body == null ? null : body.json(), trace.authenticatedAt == 0 ? Tracing.now() : trace.authenticatedAt);
            }
            next.handleRequest(exchange);
        };
    }

    /** After the policy allowed the request. */
    public static HttpHandler authorized(HttpHandler next) {
        return exchange -> {
            RequestTrace trace = exchange.getAttachment(KEY);
            if (trace != null) {
                trace.endAuthorize("allowed");
            }
            next.handleRequest(exchange);
        };
    }

    /** The trace context toward an upstream called for this request (a child of the request span), if traced. */
    public static Optional<TraceParent> of(HttpServerExchange exchange) {
        RequestTrace trace = exchange.getAttachment(KEY);
        return trace == null || trace.request == null ? Optional.empty() : Optional.of(trace.request.context());
    }

    /**
     * Where the upstream calls of this request hang in the trace: under the request span when spans are exported, else
     * under the caller's {@code traceparent} header, passed on unchanged; null when there is neither.
     */
    public static CallTrace callTrace(HttpServerExchange exchange) {
        RequestTrace trace = exchange.getAttachment(KEY);
        TraceParent request = trace == null ? null : trace.requestContext();
        if (request != null) {
            return CallTrace.of(trace.tracing, request);
        }
        return TraceParent.parse(exchange.getRequestHeaders().getFirst(TRACEPARENT)).map(p -> CallTrace.of(Tracing.OFF, p)).orElse(null);
    }

    private synchronized TraceParent requestContext() {
        return request == null ? null : request.context();
    }

    private synchronized void started(JsonNode body, long authenticatedEnd) {
        TraceParent parent = fromHeader;
        if (parent == null && body != null && body.isObject()) {
            parent = TraceParent.parse(body.path("params").path("_meta").path("traceparent").asText(null)).orElse(null);
        }
        request = tracing.start("mcp request", true, parent, start);
        if (body != null && body.isObject()) {
            request.attribute("mcp.method.name", body.path("method").asText(""));
            String tool = body.path("params").path("name").asText("");
            if (!tool.isEmpty()) {
                request.attribute("mcp.tool.name", tool);
            }
        }
        Tracing.Span authenticate = tracing.start("authenticate", false, request.context(), start);
        authenticate.attribute("outcome", "authenticated");
        authenticate.end(authenticatedEnd);
        authorize = tracing.start("authorize", false, request.context(), Tracing.now());
    }

    private synchronized void endAuthorize(String outcome) {
        if (authorize != null) {
            authorize.attribute("outcome", outcome);
            authorize.end(Tracing.now());
            authorize = null;
        }
    }

    /** At the end of the exchange: spans of stages that refused are ended here (401 before the body, 403 in authorize). */
    private synchronized void finish(HttpServerExchange exchange) {
        long now = Tracing.now();
        if (request == null) {
            request = tracing.start("mcp request", true, fromHeader, start);
            Tracing.Span authenticate = tracing.start("authenticate", false, request.context(), start);
            authenticate.attribute("outcome", exchange.getStatusCode() == 401 ? "refused" : "authenticated");
            authenticate.end(authenticatedAt == 0 ? now : authenticatedAt);
        }
        endAuthorize(exchange.getStatusCode() == 403 ? "refused" : "not decided");
        request.attribute("http.response.status_code", Integer.toString(exchange.getStatusCode()));
        request.end(now);
    }
}
