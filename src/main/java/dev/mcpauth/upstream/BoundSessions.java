package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.mcp.CallerChannel;
import dev.mcpauth.mcp.ClientSession;
import dev.mcpauth.mcp.RelayMessages;
import dev.mcpauth.mcp.SessionRelay;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream connections bound to client sessions: one per client session that calls this upstream, opened on its
 * first call with that client's own capabilities and protocol revision, closed when the session ends. Because the
 * connection belongs to one session, everything the upstream says on it (progress, log messages, resource updates,
 * sampling, elicitation and roots requests) belongs to that session and goes to it, and to no other; the client's
 * cancellations, log level and root changes go to it alike. The shared connection ({@link UpstreamSession}) still
 * lists the upstream's offers for the catalog and serves callers without a session.
 */
final class BoundSessions implements SessionRelay {

    private static final Logger log = LoggerFactory.getLogger(BoundSessions.class);
    /** At most this many bound connections per upstream (each may be a child process); beyond, calls use the shared one. */
    static final int MAX_BOUND = 32;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

    private final UpstreamSpec spec;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Bound> bySession = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> levels = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    /**
     * False when the upstream's calls go on each caller's behalf with a credential of its own (CallerSessions): then
     * tool calls, prompts and reads are not bound here ({@link #callTool} and {@link #request} answer null).
     */
    private final boolean bindsCalls;

    BoundSessions(UpstreamSpec spec, HttpClient http, Clock clock) {
        this.spec = spec;
        this.http = http;
        this.clock = clock;
        this.bindsCalls = !(spec.credentials() instanceof UpstreamCredentials.OnBehalfOf);
    }

    /** One request in flight on a bound connection: who asked, and the id the upstream knows it by. */
    private record Call(CallerChannel caller, String upstreamId, CompletableFuture<JsonNode> response) {
    }

    /** The connection of one client session. */
    private final class Bound implements RelayPeer.Inbound {
        private final ClientSession session;
        private final ReentrantLock opening = new ReentrantLock();
        private final Map<Object, Call> calls = new ConcurrentHashMap<>();
        private final Map<String, CallerChannel> progress = new ConcurrentHashMap<>();
        private volatile RelayPeer peer;

        Bound(ClientSession session) {
            this.session = session;
        }

        RelayPeer open() throws Exception {
            opening.lock();
            try {
                if (peer == null || peer.isClosed()) {
                    var transport = UpstreamSession.transport(spec, http, clock, McpJsonDefaults.getMapper());
                    RelayPeer opened = new RelayPeer(spec.name(), transport, this, spec.callTimeout().plusSeconds(5));
                    if (transport instanceof ChildProcessTransport child) {
                        // A call in flight when the session's child dies fails at once; the next call starts a new child.
                        child.exited().thenAccept(code -> opened.lost("upstream " + spec.name() + " exited (code " + code + ")"));
                    }
                    try {
                        opened.open(session.capabilities(), version(session), OPEN_TIMEOUT);
                    } catch (Exception e) {
                        opened.close();
                        throw e;
                    }
                    JsonNode level = levels.get(session.id());
                    if (level != null) {
                        opened.request(McpSchema.METHOD_LOGGING_SET_LEVEL, level);
                    }
                    log.debug("upstream {}: bound a connection to session {}", spec.name(), session.id());
                    peer = opened;
                }
                return peer;
            } finally {
                opening.unlock();
            }
        }

        @Override
        public void notification(String method, JsonNode params) {
            switch (method) {
                case McpSchema.METHOD_NOTIFICATION_PROGRESS -> {
                    CallerChannel caller = progress.get(params.path("progressToken").asText());
                    if (caller != null) {
                        caller.notify(method, params);
                    } else {
                        log.debug("upstream {}: progress for no request in flight; dropped", spec.name());
                    }
                }
                // Lists are followed on the shared connection, which feeds the catalog every session sees.
                case McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, McpSchema.METHOD_NOTIFICATION_PROMPTS_LIST_CHANGED,
                        McpSchema.METHOD_NOTIFICATION_RESOURCES_LIST_CHANGED, "notifications/cancelled" -> { }
                default -> {
                    CallerChannel only = calls.size() == 1 ? calls.values().iterator().next().caller() : null;
                    if (only != null) {
                        only.notify(method, params);
                    } else {
                        session.notify(method, params);
                    }
                }
            }
        }

        @Override
        public CompletableFuture<JsonNode> request(Object id, String method, JsonNode params) {
            // A server-to-client request goes on the stream of a request of this session in flight (MCP: sampling and
            // elicitation are asked while serving a request), else on the session's own stream (roots are asked at any
            // time); this session's either way, so never to another client.
            Call call = calls.values().stream().filter(c -> !c.caller().cancelled()).findFirst().orElse(null);
            CompletableFuture<JsonNode> answer = call != null ? call.caller().request(method, params) : session.request(method, params);
            // A client that never answers must not hold the request (nor the upstream's) forever.
            return answer.orTimeout(spec.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        void close() {
            RelayPeer open = peer;
            if (open != null) {
                open.close();
            }
        }
    }

    /**
     * Sends {@code method} on the caller session's own connection (opened if needed) and waits for the upstream's whole
     * response message. Null when no connection can be bound (then the caller falls back to the shared one).
     */
    JsonNode call(CallerChannel caller, String method, ObjectNode params) throws Exception {
        ClientSession session = caller.session();
        Bound bound = bySession.get(session.id());
        if (bound == null) {
            if (stopped || bySession.size() >= MAX_BOUND) {
                log.warn("upstream {}: {} sessions are bound already; session {} uses the shared connection", spec.name(), MAX_BOUND, session.id());
                return null;
            }
            bound = bySession.computeIfAbsent(session.id(), k -> new Bound(session));
        }
        String token = params.path("_meta").path("progressToken").asText(null);
        RelayPeer peer;
        String id;
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        Call call;
        // Registered before the connection opens: an upstream may ask for roots while initializing.
        call = new Call(caller, null, response);
        bound.calls.put(RelayMessages.idKey(caller.requestId()), call);
        if (token != null) {
            bound.progress.put(token, caller);
        }
        try {
            peer = bound.open();
            id = peer.nextId();
            bound.calls.put(RelayMessages.idKey(caller.requestId()), new Call(caller, id, response));
            peer.request(method, params, id).whenComplete((r, e) -> {
                if (e != null) {
                    response.completeExceptionally(e);
                } else {
                    response.complete(r);
                }
            });
            return response.get(spec.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("upstream " + spec.name() + " did not answer " + method + " within " + spec.callTimeout().toSeconds() + " s");
        } finally {
            bound.calls.remove(RelayMessages.idKey(caller.requestId()));
            if (token != null) {
                bound.progress.remove(token);
            }
        }
    }

    /**
     * {@code tools/call} on the caller's own connection, as the SDK's result type (the tool's schemas are checked on it);
     * null when the caller has no session ({@code caller} null) or no connection can be bound.
     */
    McpSchema.CallToolResult callTool(CallerChannel caller, String tool, Map<String, Object> arguments, Map<String, Object> meta) throws Exception {
        if (caller == null || !bindsCalls) {
            return null;
        }
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.put("name", tool);
        params.set("arguments", dev.mcpauth.json.Json.shared().valueToTree(arguments));
        withMeta(params, meta);
        JsonNode response;
        try {
            response = call(caller, McpSchema.METHOD_TOOLS_CALL, params);
        } catch (IllegalStateException | TimeoutException lost) {
            // The session's child died or the upstream did not answer in time: an error the model can read, as on the
            // shared connection.
            return UpstreamCalls.error(lost.getMessage());
        }
        if (response == null) {
            return null;
        }
        return dev.mcpauth.json.Json.shared().convertValue(RelayMessages.resultOrThrow(response), McpSchema.CallToolResult.class);
    }

    /**
     * {@code prompts/get} or {@code resources/read} on the caller's own connection, so that the upstream's progress and
     * its requests to the client while it works reach that caller, as for a tool call. Its result as {@code type}, or
     * null when the caller has no session ({@code caller} null) or no connection can be bound (the caller then uses the
     * shared one). Every failure is a JSON-RPC error, the upstream's own code kept, as on the shared connection: those
     * results have no error form.
     */
    <T> T request(CallerChannel caller, String method, java.util.function.Supplier<ObjectNode> params, Class<T> type) {
        if (caller == null || !bindsCalls) {
            return null;
        }
        JsonNode response;
        try {
            response = call(caller, method, params.get());
        } catch (CancellationException | McpError e) {
            throw e;
        } catch (IllegalStateException | TimeoutException lost) {
            // The session's child died or the upstream did not answer in time.
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(lost.getMessage()).build();
        } catch (Exception e) {
            log.warn("upstream {}: {} failed: {}", spec.name(), method, e.toString());
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                    .message("upstream " + spec.name() + " could not be reached for " + method + "; try again shortly").build();
        }
        if (response == null) {
            return null;
        }
        return dev.mcpauth.json.Json.shared().convertValue(RelayMessages.resultOrThrow(response), type);
    }

    /** {@code params} with the request's whole {@code _meta} (progress token, trace context), for the caller's own connection. */
    static ObjectNode withMeta(ObjectNode params, Map<String, Object> meta) {
        if (!meta.isEmpty()) {
            params.set("_meta", dev.mcpauth.json.Json.shared().valueToTree(meta));
        }
        return params;
    }

    @Override
    public JsonNode forward(CallerChannel caller, String method, ObjectNode params) throws Exception {
        JsonNode response = call(caller, method, params);
        if (response == null) {
            return RelayMessages.error(null, McpSchema.ErrorCodes.INTERNAL_ERROR, "upstream " + spec.name() + " has no room for another session", null);
        }
        return response;
    }

    @Override
    public void cancelled(ClientSession session, Object requestId, String reason) {
        Bound bound = bySession.get(session.id());
        Call call = bound == null ? null : bound.calls.get(RelayMessages.idKey(requestId));
        if (call == null) {
            return;
        }
        RelayPeer peer = bound.peer;
        if (peer != null && call.upstreamId() != null) {
            ObjectNode params = JsonNodeFactory.instance.objectNode().put("requestId", call.upstreamId());
            if (reason != null) {
                params.put("reason", reason);
            }
            peer.notify("notifications/cancelled", params);
        }
        call.response().completeExceptionally(new CancellationException("the client cancelled the request"));
    }

    @Override
    public void logLevel(ClientSession session, JsonNode params) {
        levels.put(session.id(), params);
        Bound bound = bySession.get(session.id());
        RelayPeer peer = bound == null ? null : bound.peer;
        if (peer != null) {
            peer.request(McpSchema.METHOD_LOGGING_SET_LEVEL, params);
        }
    }

    @Override
    public void rootsChanged(ClientSession session) {
        Bound bound = bySession.get(session.id());
        RelayPeer peer = bound == null ? null : bound.peer;
        if (peer != null) {
            peer.notify(McpSchema.METHOD_NOTIFICATION_ROOTS_LIST_CHANGED, null);
        }
    }

    @Override
    public void closed(ClientSession session) {
        levels.remove(session.id());
        Bound bound = bySession.remove(session.id());
        if (bound != null) {
            // Ending a child takes up to a few seconds: not on the thread that ends the session.
            Thread.ofVirtual().name("upstream-" + spec.name() + "-unbind").start(bound::close);
        }
    }

    /** Ends every bound connection (the upstream is being stopped). */
    void stop() {
        stopped = true;
        bySession.values().forEach(Bound::close);
        bySession.clear();
    }

    private static String version(ClientSession session) {
        String asked = session.protocolVersion();
        return asked == null || asked.isBlank() ? io.modelcontextprotocol.spec.ProtocolVersions.MCP_2025_11_25 : asked;
    }
}
