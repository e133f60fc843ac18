package dev.mcpauth.mcp;

import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.IoThreadSend;
import dev.mcpauth.json.Json;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.http.OpenStreams;
import dev.mcpauth.mcp.JsonRpcHttp.BadMessage;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
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
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The MCP Streamable HTTP transport (spec 2025-11-25, basic/transports) on undertow-core, mounted as the
 * {@link HttpHandler} of the MCP endpoint: POST carries one JSON-RPC message, GET opens the server-to-client SSE
 * stream, DELETE ends a session. A port of the SDK's servlet provider, except that no exception text ever reaches
 * the client and each session is bound to the principal that initialized it.
 */
public final class UndertowStreamableTransport implements McpStreamableServerTransportProvider, HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(UndertowStreamableTransport.class);

    static final List<String> PROTOCOL_VERSIONS = List.of(ProtocolVersions.MCP_2024_11_05, ProtocolVersions.MCP_2025_03_26,
            ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);

    public static final int DEFAULT_MAX_SESSIONS_PER_SUBJECT = 100;

    private static final HttpString SESSION_ID = new HttpString(HttpHeaders.MCP_SESSION_ID);

    /** A live session, who opened it, its current GET stream, and when it was last used. */
    private record Entry(McpStreamableServerSession session, HttpClientSession client, String owner, String subject,
            AtomicReference<SseStream> listening, AtomicLong lastUsedNanos) {

        Entry touch() {
            lastUsedNanos.set(System.nanoTime());
            return this;
        }

        boolean idleLongerThan(Duration timeout) {
            return listening.get() == null && System.nanoTime() - lastUsedNanos.get() > timeout.toNanos();
        }
    }

    private final McpJsonMapper mapper;
    private final McpTransportContextExtractor<HttpServerExchange> contextExtractor;
    private final int maxBodyBytes;
    private final Duration sseHeartbeat;
    private final Duration sessionIdleTimeout;
    private final SessionQuota quota;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private volatile McpStreamableServerSession.Factory sessionFactory;
    private volatile CallerFilteredTransports.ReplyFilter replyFilter = (context, message) -> message;
    private final RelayTap relay = new RelayTap();
    private volatile boolean closing;

    /** With the defaults of {@link Builder}. */
    public UndertowStreamableTransport() {
        this(builder());
    }

    private UndertowStreamableTransport(Builder builder) {
        this.mapper = builder.mapper;
        this.contextExtractor = builder.contextExtractor;
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
        private McpJsonMapper mapper = new JacksonMcpJsonMapper(Json.shared());
        private McpTransportContextExtractor<HttpServerExchange> contextExtractor = new ExchangeContextExtractor();
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

        public Builder contextExtractor(McpTransportContextExtractor<HttpServerExchange> contextExtractor) {
            this.contextExtractor = Objects.requireNonNull(contextExtractor);
            return this;
        }

        public Builder jsonMapper(McpJsonMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper);
            return this;
        }

        public UndertowStreamableTransport build() {
            return new UndertowStreamableTransport(this);
        }
    }

    @Override
    public List<String> protocolVersions() {
        return PROTOCOL_VERSIONS;
    }

    /** How replies are narrowed to the caller of the request they answer (set by {@link McpServerFactory}). */
    void replyFilter(CallerFilteredTransports.ReplyFilter filter) {
        this.replyFilter = Objects.requireNonNull(filter);
    }

    /** The relay's side door (set by {@link McpServerFactory}). */
    RelayTap relay() {
        return relay;
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    /** How many sessions are open (for health and tests). */
    public int sessionCount() {
        return sessions.size();
    }

    /** How many sessions have an open GET stream (tests wait on it before expecting notifications). */
    int listeningStreamCount() {
        return (int) sessions.values().stream().filter(e -> e.listening().get() != null).count();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (JsonRpcHttp.dispatchedOffIoThread(exchange, this)) {
            return;
        }
        if (closing || sessionFactory == null) {
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
        McpSchema.JSONRPCMessage message = JsonRpcHttp.readMessage(exchange, mapper, maxBodyBytes);
        if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_INITIALIZE.equals(request.method())) {
            initialize(exchange, request);
            return;
        }
        JsonRpcHttp.requireSupportedProtocolVersion(exchange, PROTOCOL_VERSIONS);
        Entry entry = requireSession(exchange);
        McpTransportContext context = contextExtractor.extract(exchange);
        if (message instanceof McpSchema.JSONRPCRequest request) {
            relay.consumes(entry.client(), request);
            respondWithStream(exchange, entry, request, context);
            return;
        }
        if (relay.consumes(entry.client(), message)) {
            exchange.setStatusCode(StatusCodes.ACCEPTED);
            IoThreadSend.send(exchange, ByteBuffer.allocate(0));
            return;
        }
        try {
            Mono<Void> accepted = message instanceof McpSchema.JSONRPCResponse response
                    ? entry.session().accept(response)
                    : entry.session().accept((McpSchema.JSONRPCNotification) message);
            accepted.contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context)).block();
        } catch (RuntimeException e) {
            log.warn("could not process a client message in session {}: {}", entry.session().getId(), e.toString());
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "The message was not accepted (a response to an unknown request, or an invalid notification)");
        }
        // Spec: notifications and responses the server accepts get 202 Accepted with no body.
        exchange.setStatusCode(StatusCodes.ACCEPTED);
        IoThreadSend.send(exchange, ByteBuffer.allocate(0));
    }

    private void initialize(HttpServerExchange exchange, McpSchema.JSONRPCRequest request) throws BadMessage {
        McpSchema.InitializeRequest params;
        try {
            params = mapper.convertValue(request.params(), new TypeRef<McpSchema.InitializeRequest>() {
            });
        } catch (RuntimeException e) {
            throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid initialize parameters");
        }
        if (!roomForSession(exchange)) {
            return;
        }
        McpTransportContext context = contextExtractor.extract(exchange);
        McpStreamableServerSession.McpStreamableServerSessionInit init = sessionFactory.startSession(params);
        McpSchema.InitializeResult result;
        try {
            result = init.initResult().contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context)).block();
        } catch (RuntimeException e) {
            log.warn("initialize failed: {}", e.toString());
            JsonRpcHttp.sendError(exchange, StatusCodes.INTERNAL_SERVER_ERROR, request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "The session could not be initialized");
            return;
        }
        String sessionId = init.session().getId();
        HttpClientSession client = new HttpClientSession(init.session(), Json.shared().valueToTree(request.params()));
        sessions.put(sessionId, new Entry(init.session(), client, ownerOf(exchange), Exchanges.subject(exchange), new AtomicReference<>(), new AtomicLong(System.nanoTime())));
        exchange.setStatusCode(StatusCodes.OK);
        exchange.getResponseHeaders().put(SESSION_ID, sessionId);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JsonRpcHttp.APPLICATION_JSON);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        byte[] body = JsonRpcHttp.toJson(mapper, new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), result, null));
        IoThreadSend.send(exchange, ByteBuffer.wrap(body));
    }

    /** Answers a request on its own SSE stream, which the SDK session closes after the response. */
    private void respondWithStream(HttpServerExchange exchange, Entry entry, McpSchema.JSONRPCRequest request,
            McpTransportContext requestContext) {
        McpStreamableServerSession session = entry.session();
        SseStream stream = SseStream.forRequest(exchange, mapper);
        SseCallerChannel channel = new SseCallerChannel(CallerFilteredTransports.responseStream(stream, requestContext, replyFilter),
                entry.client(), request.id());
        McpTransportContext context = CallerChannels.with(requestContext, channel);
        entry.client().started(channel);
        try {
            if (relay.answers(request.method())) {
                stream.sendMessage(RelayMessages.toRecord(relay.answer(context, channel, request))).block();
                return;
            }
            session.responseStream(channel).handle(request).contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context)).block();
        } catch (RuntimeException e) {
            log.warn("request {} in session {} failed: {}", request.method(), session.getId(), e.toString());
            var error = new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error", null);
            stream.sendMessage(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), null, error)).block();
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
        SseStream stream = SseStream.listening(exchange, mapper);
        SseStream previous = entry.listening().getAndSet(stream);
        if (previous != null) {
            previous.close();
        }
        var listening = entry.session().listeningStream(stream);
        try {
            stream.open();
            stream.awaitClose(sseHeartbeat);
        } catch (java.io.IOException e) {
            log.debug("GET stream of session {} could not start: {}", entry.session().getId(), e.toString());
        } finally {
            entry.listening().compareAndSet(stream, null);
            entry.touch();
            listening.close();
            lease.close();
            stream.finish();
        }
    }

    private void delete(HttpServerExchange exchange) throws BadMessage {
        JsonRpcHttp.requireSupportedProtocolVersion(exchange, PROTOCOL_VERSIONS);
        Entry entry = requireSession(exchange);
        McpTransportContext context = contextExtractor.extract(exchange);
        String sessionId = entry.session().getId();
        sessions.remove(sessionId);
        closeListening(entry);
        relay.closed(entry.client());
        try {
            entry.session().delete().contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context)).block();
        } catch (RuntimeException e) {
            log.warn("closing session {} failed: {}", sessionId, e.toString());
        }
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
            log.debug("session {} expired after {} idle", entry.session().getId(), sessionIdleTimeout);
            relay.closed(entry.client());
            entry.session().close();
            return true;
        });
        String subject = Exchanges.subject(exchange);
        return quota.admits(exchange, sessions.size(), sessions.values().stream().filter(e -> e.subject().equals(subject)).count());
    }

    static String ownerOf(HttpServerExchange exchange) {
        AccessToken token = exchange.getAttachment(Exchanges.ACCESS_TOKEN);
        return token == null ? "" : token.issuer() + "\n" + token.subject() + "\n" + token.clientId();
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Mono.fromRunnable(() -> sessions.values().forEach(entry -> notify(entry, method, params)));
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return Mono.fromRunnable(() -> {
            Entry entry = sessions.get(sessionId);
            if (entry != null) {
                notify(entry, method, params);
            }
        });
    }

    private static void notify(Entry entry, String method, Object params) {
        try {
            entry.session().sendNotification(method, params).block();
        } catch (RuntimeException e) {
            // A session without an open GET stream cannot hear notifications; that is the client's choice.
            log.debug("could not notify session {} of {}: {}", entry.session().getId(), method, e.toString());
        }
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            closing = true;
            sessions.values().forEach(entry -> {
                closeListening(entry);
                relay.closed(entry.client());
                try {
                    entry.session().closeGracefully().block();
                } catch (RuntimeException e) {
                    log.debug("closing session {}: {}", entry.session().getId(), e.toString());
                }
            });
            sessions.clear();
        });
    }

    private static void closeListening(Entry entry) {
        SseStream stream = entry.listening().getAndSet(null);
        if (stream != null) {
            stream.close();
        }
    }
}
