package dev.mcpauth.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * Every instrument of the gateway, in one place, so that each call site is one line ({@code Metrics.jwksFetch(true)})
 * and names, labels and help texts are read together. Counting is always on (a counter is one add); whether anyone
 * can read the numbers is {@code serve --metrics-port}'s business ({@link MetricsEndpoint}).
 * Labels fed by clients (tool names, paths) are capped by {@link BoundedLabel}. Never a token, subject or secret.
 * No exemplars: the client library samples them on every add through a scheduler thread of its own (started by the
 * first count, even in a stdio process with no metrics port), and nothing here would fill them (traces go by OTLP).
 */
public final class Metrics {

    public static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    /** Seconds: from a cache hit (~µs) to a slow tool (a minute). */
    private static final double[] LATENCY_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private static final BoundedLabel ROUTES = new BoundedLabel(40);
    private static final java.util.Set<String> KNOWN_ROUTES = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final BoundedLabel TOOLS = new BoundedLabel(500);
    private static final java.util.Set<String> CATALOG_NAMES = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final BoundedLabel UPSTREAMS = new BoundedLabel(100);
    private static final BoundedLabel REASONS = new BoundedLabel(50);
    private static final BoundedLabel GRANT_TYPES = new BoundedLabel(20);
    private static final BoundedLabel ENDPOINTS = new BoundedLabel(50);

    private static final Counter HTTP_REQUESTS = Counter.builder().name("mcp_auth_http_requests_total")
            .help("HTTP requests answered, by route (a path the server routes; unmatched for a 404, other for any other path) and status")
            .labelNames("route", "status").withoutExemplars().register(REGISTRY);
    private static final Histogram HTTP_DURATION = Histogram.builder().name("mcp_auth_http_request_duration_seconds")
            .help("Time from request to complete response, by route").classicUpperBounds(LATENCY_BUCKETS).classicOnly()
           .labelNames("route").withoutExemplars().register(REGISTRY);
    private static final Counter AUTHENTICATIONS = Counter.builder().name("mcp_auth_authentications_total")
            .help("Bearer-token authentications, by outcome (accepted, rejected) and reason (the RFC 6750 error or ok)")
            .labelNames("outcome", "reason").withoutExemplars().register(REGISTRY);
    private static final Counter THROTTLED = Counter.builder().name("mcp_auth_token_failures_throttled_total")
            .help("Requests refused with 429 because their address spent its budget of failed tokens (--max-token-failures)")
            .withoutExemplars().register(REGISTRY);
    private static final Counter DECISIONS = Counter.builder().name("mcp_auth_policy_decisions_total")
            .help("Authorization decisions of the policy, by kind (tool, prompt, resource), name and outcome (allowed, insufficient_scope, condition_failed, rate_limited)")
            .labelNames("kind", "name", "outcome").withoutExemplars().register(REGISTRY);
    private static final Histogram TOOL_CALLS = Histogram.builder().name("mcp_auth_tool_call_duration_seconds")
            .help("Tool calls that ran, by tool, upstream (builtin for the gateway's own) and outcome (ok, error, failed)")
            .classicUpperBounds(LATENCY_BUCKETS).classicOnly().labelNames("tool", "upstream", "outcome").withoutExemplars().register(REGISTRY);
    private static final Gauge UPSTREAM_UP = Gauge.builder().name("mcp_auth_upstream_up")
            .help("1 while the upstream MCP server is connected, 0 while it is down or restarting")
            .labelNames("upstream").withoutExemplars().register(REGISTRY);
    private static final Counter UPSTREAM_RESTARTS = Counter.builder().name("mcp_auth_upstream_restarts_total")
            .help("Reconnections of an upstream MCP server after it failed or exited")
            .labelNames("upstream").withoutExemplars().register(REGISTRY);
    private static final Counter JWKS_FETCHES = Counter.builder().name("mcp_auth_jwks_fetches_total")
            .help("Fetches of an issuer's JSON Web Key Set, by outcome (ok, failed)")
            .labelNames("outcome").withoutExemplars().register(REGISTRY);
    private static final Counter TOKEN_CACHE = Counter.builder().name("mcp_auth_token_cache_lookups_total")
            .help("Lookups of verified tokens in the token cache, by result (hit, miss); the hit ratio is hit / (hit + miss)")
            .labelNames("result").withoutExemplars().register(REGISTRY);
    private static final Counter GRANTS = Counter.builder().name("mcp_auth_authserver_grants_total")
            .help("Token requests to the embedded authorization server, by grant type and outcome (issued, or the OAuth error)")
            .labelNames("grant_type", "outcome").withoutExemplars().register(REGISTRY);

    private static final Histogram QUEUE_WAITS = Histogram.builder().name("mcp_auth_request_queue_wait_seconds")
            .help("How long requests beyond --max-concurrent waited in line before they ran").classicUpperBounds(LATENCY_BUCKETS).classicOnly()
            .withoutExemplars().register(REGISTRY);
    private static final Counter QUEUE_REFUSALS = Counter.builder().name("mcp_auth_request_queue_refusals_total")
            .help("Requests refused with 503 beyond --max-concurrent, by reason (queue_full: --max-queued waited already; wait_timeout: waited --queue-timeout)")
            .labelNames("reason").withoutExemplars().register(REGISTRY);
    private static final Counter STORAGE_FAILURES = Counter.builder().name("mcp_auth_authserver_storage_failures_total")
            .help("Requests to the embedded authorization server answered 503 because its state database failed")
            .withoutExemplars().register(REGISTRY);
    private static final Gauge ISSUER_REACHABLE = Gauge.builder().name("mcp_auth_issuer_reachable")
            .help("1 while the issuer's JWKS or introspection endpoint answers, 0 since a fetch failed (until one succeeds)")
            .labelNames("endpoint").withoutExemplars().register(REGISTRY);
    private static final Counter AUDIT_DROPPED = Counter.builder().name("mcp_auth_audit_events_dropped_total")
            .help("Audit lines dropped because stderr was read slower than they were written (each gap is also a WARN line in the trail)")
            .withoutExemplars().register(REGISTRY);

    // On every authenticated request: the data points are looked up once, not per call.
    private static final CounterDataPoint CACHE_HIT = TOKEN_CACHE.labelValues("hit");
    private static final CounterDataPoint CACHE_MISS = TOKEN_CACHE.labelValues("miss");

    static {
        // Known label values start at zero, so rates and ratios exist before the first event (and dashboards show 0).
        JWKS_FETCHES.initLabelValues("ok");
        JWKS_FETCHES.initLabelValues("failed");
        AUTHENTICATIONS.initLabelValues("accepted", "ok");
        QUEUE_REFUSALS.initLabelValues("queue_full");
        QUEUE_REFUSALS.initLabelValues("wait_timeout");
    }

    private Metrics() {
    }

    /** Paths the server routes (exact paths): the only values the {@code route} label takes besides other and unmatched. */
    public static void knownRoutes(java.util.Collection<String> paths) {
        KNOWN_ROUTES.addAll(paths);
    }

    public static void request(String path, int status, long startNanos) {
        // A path a client made up is never a label value, whatever the status (a Host or CORS refusal answers any path).
        String route = status == 404 ? "unmatched" : KNOWN_ROUTES.contains(path) ? ROUTES.of(path) : "other";
        HTTP_REQUESTS.labelValues(route, Integer.toString(status)).inc();
        HTTP_DURATION.labelValues(route).observe(seconds(System.nanoTime() - startNanos));
    }

    public static void authenticated() {
        AUTHENTICATIONS.labelValues("accepted", "ok").inc();
    }

    /** @param error the RFC 6750 error code (or missing_token, too_many_failed_tokens, temporarily_unavailable) */
    public static void authenticationRejected(String error) {
        AUTHENTICATIONS.labelValues("rejected", REASONS.of(error)).inc();
    }

    public static void tokenFailureThrottled() {
        THROTTLED.inc();
    }

    /** @param outcome the policy's outcome, lowercase (allowed, insufficient_scope, condition_failed, rate_limited) */
    public static void decision(String kind, String name, String outcome) {
        DECISIONS.labelValues(kind, tool(name), outcome).inc();
    }

    /** @param upstream the upstream's name, or null for a built-in tool */
    public static void toolCall(String tool, String upstream, String outcome, Duration took) {
        TOOL_CALLS.labelValues(tool(tool), upstream == null ? "builtin" : UPSTREAMS.of(upstream), outcome)
                .observe(took.toNanos() / 1e9);
    }

    public static void upstreamUp(String upstream, boolean up) {
        UPSTREAM_UP.labelValues(UPSTREAMS.of(upstream)).set(up ? 1 : 0);
    }

    public static void upstreamRestart(String upstream) {
        UPSTREAM_RESTARTS.labelValues(UPSTREAMS.of(upstream)).inc();
    }

    public static void jwksFetch(boolean ok) {
        JWKS_FETCHES.labelValues(ok ? "ok" : "failed").inc();
    }

    public static void tokenCache(boolean hit) {
        (hit ? CACHE_HIT : CACHE_MISS).inc();
    }

    /** @param outcome "issued", or the OAuth error code of the refusal (RFC 6749 section 5.2) */
    public static void grant(String grantType, String outcome) {
        GRANTS.labelValues(GRANT_TYPES.of(grantType), REASONS.of(outcome)).inc();
    }

    /** A request that waited in line for a permit ran after {@code nanos}. */
    public static void queueWait(long nanos) {
        QUEUE_WAITS.observe(seconds(nanos));
    }

    /** @param reason queue_full or wait_timeout */
    public static void queueRefused(String reason) {
        QUEUE_REFUSALS.labelValues(reason).inc();
    }

    public static void storageFailure() {
        STORAGE_FAILURES.inc();
    }

    /** @param endpoint the issuer's JWKS or introspection URL (the operator's configuration, never a client's) */
    public static void issuerReachable(String endpoint, boolean reachable) {
        ISSUER_REACHABLE.labelValues(ENDPOINTS.of(endpoint)).set(reachable ? 1 : 0);
    }

    public static void auditDropped(long count) {
        AUDIT_DROPPED.inc(count);
    }

    /** Names the catalog published (tools, prompts, resources' policy names): the operator's, never a client's. */
    public static void catalogNames(java.util.Collection<String> names) {
        CATALOG_NAMES.addAll(names);
    }

    /** A name as a label: itself when a catalog published it, else "other" (a client may ask for any name). */
    private static String tool(String name) {
        return name != null && CATALOG_NAMES.contains(name) ? TOOLS.of(name) : "other";
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
