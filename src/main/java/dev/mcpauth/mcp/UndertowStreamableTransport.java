package dev.mcpauth.mcp;

import dev.mcpauth.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.IoThreadSend;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.http.OpenStreams;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import dev.mcpauth.mcp.JsonRpcHttp.BadMessage;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP Streamable HTTP transport (spec 2025-11-25, basic/transports) on undertow-core, mounted as the
 * {@link HttpHandler} of the MCP endpoint: POST carries one JSON-RPC message, GET opens the server-to-client SSE
 * stream, DELETE ends a session. Framing only: what a request is answered with is {@link SessionAnswers}' (the one
 * {@link McpDispatch}, the relay), written on the request's own SSE stream, where the upstream's progress, log
 * messages and requests to the client go too. No exception text ever reaches the client, and each session is bound
 * to the principal that initialized it.
 */
public final class UndertowStreamableTransport implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(UndertowStreamableTransport.class);

    static final List<String> PROTOCOL_VERSIONS = List.of(ProtocolVersions.MCP_2024_11_05, ProtocolVersions.MCP_2025_03_26,
            ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);

    public static final int DEFAULT_MAX_SESSIONS_PER_SUBJECT = 100;

    private static final HttpString SESSION_ID = new HttpString(HttpHeaders.MCP_SESSION_ID);

    /** A live session, who opened it, its current GET stream, and when it was last used. */
    private record Entry(HttpClientSession client, String owner, String subject, AtomicLong lastUsedNanos) {

        Entry touch() {
            lastUsedNanos.set(System.nanoTime());
            return this;
        }

        boolean idleLongerThan(Duration timeout) {
            return client.listening().get() == null && System.nanoTime() - lastUsedNanos.get() > timeout.toNanos();
        }

        String id() {
            return client.id();
        }
    }

    private final int maxBodyBytes;
    private final Duration sseHeartbeat;
    private final Duration sessionIdleTimeout;
    private final SessionQuota quota;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final RelayTap relay = new RelayTap();
    private volatile SessionAnswers answers;
    private volatile boolean closing;

    /** With the defaults of {@link Builder}. */
    public UndertowStreamableTransport() {
        this(builder());
    }

    private UndertowStreamableTransport(Builder builder) {
        this.maxBodyBytes = builder.maxBodyBytes;
        this.sseHeartbeat = builder.sseHeartbeat;
        this.sessionIdleTimeout = builder.sessionIdleTimeout;
        this.quota = new SessionQuota(builder.maxSessions, builder.maxSessionsPerSubject);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings; every one has a default. */
    public static final class Builder {
        private int maxBodyBytes = JsonRpcHttp.DEFAULT_MAX_BODY_BYTES;
        private Duration sseHeartbeat = Duration.ofSeconds(25);
        private Duration sessionIdleTimeout = Duration.ofMinutes(30);
        private int maxSessions = 10_000;
        private int maxSessionsPerSubject = DEFAULT_MAX_SESSIONS_PER_SUBJECT;

        private Builder() {
        }

        /** Cap on a POST body the chain did not already read (default 4 MiB). */
        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** How often an idle GET stream gets an SSE comment, to notice clients that left (default 25 s). */
        public Builder sseHeartbeat(Duration sseHeartbeat) {
            this.sseHeartbeat = Objects.requireNonNull(sseHeartbeat);
            return this;
        }

        /** A session with no request and no GET stream for this long is forgotten (default 30 min). */
        public Builder sessionIdleTimeout(Duration sessionIdleTimeout) {
            this.sessionIdleTimeout = Objects.requireNonNull(sessionIdleTimeout);
            return this;
        }

        /** At most this many sessions at once; initialize beyond it gets 503 (default 10,000). */
        public Builder maxSessions(int maxSessions) {
            this.maxSessions = maxSessions;
            return this;
        }

        /** At most this many sessions of one subject at once; its initialize beyond gets 429 (default 100). */
        public Builder maxSessionsPerSubject(int maxSessionsPerSubject) {
            this.maxSessionsPerSubject = maxSessionsPerSubject;
            return this;
        }

        public UndertowStreamableTransport build() {
            return new UndertowStreamableTransport(this);
        }
    }

    /** The relay's side door (wired by {@link McpServerFactory}). */
    RelayTap relay() {
        return relay;
    }

    /** What requests are answered with (set by {@link McpServerFactory}); until then every request gets 503. */
    void answerWith(SessionAnswers answers) {
        this.answers = Objects.requireNonNull(answers);
    }

    /** How many sessions are open (for health and tests). */
    public int sessionCount() {
        return sessions.size();
    }

    /** How many sessions have an open GET stream (tests wait on it before expecting notifications). */
    int listeningStreamCount() {
        return (int) sessions.values().stream().filter(e -> e.client().listening().get() != null).count();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (JsonRpcHttp.dispatchedOffIoThread(exchange, this)) {
            return;
        }
        if (closing || answers == null) {
            JsonErrors.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, "temporarily_unavailable", "The MCP server is shutting down");
            return;
        }
        HttpString method = exchange.getRequestMethod();
        try {
            if (Methods.POST.equals(method)) {
                post(exchange);
            } else if (Methods.GET.equals(method)) {
                get(exchange);
            } else if (Methods.DELETE.equals(method)) {
                delete(exchange);
            } else {
                JsonRpcHttp.methodNotAllowed(exchange, "GET, POST, DELETE", "The MCP endpoint accepts GET, POST and DELETE");
            }
        } catch (BadMessage bad) {
            JsonRpcHttp.sendError(exchange, bad);
        } catch (RuntimeException e) {
            // Whatever went wrong stays in the log; the client gets a JSON error, never the exception.
            log.warn("MCP request failed: {}", e.toString());
            JsonRpcHttp.sendError(exchange, StatusCodes.INTERNAL_SERVER_ERROR, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error");
        }
    }

    private void post(HttpServerExchange exchange) throws BadMessage {
        JsonRpcHttp.requireAccept(exchange, List.of(JsonRpcHttp.APPLICATION_JSON, JsonRpcHttp.TEXT_EVENT_STREAM));
        JsonNode message = JsonRpcHttp.readJson(exchange, maxBodyBytes);
        String method = message.path("method").asText(null);
        if (McpSchema.METHOD_INITIALIZE.equals(method) && message.has("id")) {
            initialize(exchange, message);
            return;
        }
        JsonRpcHttp.requireSupportedProtocolVersion(exchange, PROTOCOL_VERSIONS);
        Entry entry = requireSession(exchange);
        if (method != null && message.has("id")) {
            relay.consumes(entry.client(), message);
            respondWithStream(exchange, entry, message, RequestContexts.forExchange(exchange));
            return;
        }
        if (!relay.consumes(entry.client(), message) && method == null) {
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "The message was not accepted: it answers no request this server sent in this session");
        }
        // Spec: notifications and responses the server accepts get 202 Accepted with no body (a notification no one
        // here acts on, notifications/initialized among them, is accepted all the same).
        exchange.setStatusCode(StatusCodes.ACCEPTED);
        IoThreadSend.send(exchange, ByteBuffer.allocate(0));
    }

    private void initialize(HttpServerExchange exchange, JsonNode request) throws BadMessage {
        JsonNode params = request.get("params");
        if (params == null || !params.isObject() || !params.path("protocolVersion").isTextual()) {
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_PARAMS,
                    "Invalid initialize parameters: params.protocolVersion, params.capabilities and params.clientInfo are required");
        }
        if (!roomForSession(exchange)) {
            return;
        }
        HttpClientSession client = new HttpClientSession(params);
        sessions.put(client.id(), new Entry(client, ownerOf(exchange), Exchanges.subject(exchange), new AtomicLong(System.nanoTime())));
        exchange.getResponseHeaders().put(SESSION_ID, client.id());
        JsonErrors.sendJson(exchange, StatusCodes.OK, answers.initialize(request.get("id"), params).message());
    }

    /** Answers a request on its own SSE stream, which ends after the response. */
    private void respondWithStream(HttpServerExchange exchange, Entry entry, JsonNode request, McpTransportContext requestContext) {
        SseStream stream = SseStream.forRequest(exchange);
        SseCallerChannel channel = new SseCallerChannel(stream, entry.client(),
                Json.id(request.get("id")));
        McpTransportContext context = CallerChannels.with(requestContext, channel);
        entry.client().started(channel);
        try {
            JsonRpcReply reply = answers.answer(channel, context, request);
            channel.respond(reply.message());
        } finally {
            entry.client().finished(channel);
            stream.finish();
        }
    }

    private void get(HttpServerExchange exchange) throws BadMessage {
        if (!JsonRpcHttp.accepts(exchange, JsonRpcHttp.TEXT_EVENT_STREAM)) {
            throw new BadMessage(StatusCodes.NOT_ACCEPTABLE, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "The Accept header must list text/event-stream to open the server-to-client stream");
        }
        JsonRpcHttp.requireSupportedProtocolVersion(exchange, PROTOCOL_VERSIONS);
        Entry entry = requireSession(exchange);
        OpenStreams.Lease lease = OpenStreams.open(exchange, entry.subject());
        if (lease == null) {
            return;
        }
        SseStream stream = SseStream.listening(exchange);
        SseStream previous = entry.client().listening().getAndSet(stream);
        if (previous != null) {
            previous.close();
        }
        try {
            stream.open();
            stream.awaitClose(sseHeartbeat);
        } catch (java.io.IOException e) {
            log.debug("GET stream of session {} could not start: {}", entry.id(), e.toString());
        } finally {
            entry.client().listening().compareAndSet(stream, null);
            entry.touch();
            lease.close();
            stream.finish();
        }
    }

    private void delete(HttpServerExchange exchange) throws BadMessage {
        JsonRpcHttp.requireSupportedProtocolVersion(exchange, PROTOCOL_VERSIONS);
        Entry entry = requireSession(exchange);
        sessions.remove(entry.id());
        entry.client().closeListening();
        relay.closed(entry.client());
        exchange.setStatusCode(StatusCodes.NO_CONTENT);
        exchange.endExchange();
    }

    /** Spec: a request without a session id gets 400; an unknown (or terminated, or someone else's) session gets 404. */
    private Entry requireSession(HttpServerExchange exchange) throws BadMessage {
        String sessionId = exchange.getRequestHeaders().getFirst(SESSION_ID);
        if (sessionId == null || sessionId.isBlank()) {
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Missing Mcp-Session-Id header: send initialize first and echo the session id it returns");
        }
        Entry entry = sessions.get(sessionId);
        // A session is bound to the principal that opened it (spec security best practices, session hijacking).
        if (entry == null || !entry.owner().equals(ownerOf(exchange))) {
            throw new BadMessage(StatusCodes.NOT_FOUND, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Session not found: it ended or never existed; send a new initialize request");
        }
        return entry.touch();
    }

    /**
     * Forgets idle sessions, then says whether one more fits under the {@link SessionQuota}, which answers a refusal.
     */
    private boolean roomForSession(HttpServerExchange exchange) {
        sessions.values().removeIf(entry -> {
            if (!entry.idleLongerThan(sessionIdleTimeout)) {
                return false;
            }
            log.debug("session {} expired after {} idle", entry.id(), sessionIdleTimeout);
            relay.closed(entry.client());
            return true;
        });
        String subject = Exchanges.subject(exchange);
        return quota.admits(exchange, sessions.size(), sessions.values().stream().filter(e -> e.subject().equals(subject)).count());
    }

    static String ownerOf(HttpServerExchange exchange) {
        AccessToken token = exchange.getAttachment(Exchanges.ACCESS_TOKEN);
        return token == null ? "" : token.issuer() + "\n" + token.subject() + "\n" + token.clientId();
    }

    /**
     * Tells every session something that concerns all of them (a list changed), on its GET stream; a session without
     * one does not hear it, which is the client's choice (it can list again).
     */
    void notifyAll(String method) {
        sessions.values().forEach(entry -> entry.client().notify(method, null));
    }

    /** Refuses requests from now on and ends every session and its GET stream. */
    void close() {
        closing = true;
        sessions.values().forEach(entry -> {
            entry.client().closeListening();
            relay.closed(entry.client());
        });
        sessions.clear();
    }
}
