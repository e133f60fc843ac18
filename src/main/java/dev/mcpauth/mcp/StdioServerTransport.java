package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.jsonrpc.InvalidMessage;
import dev.mcpauth.jsonrpc.JsonRpcMessages;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP's stdio transport (spec basic/transports): newline-delimited JSON-RPC on an input and an output stream, for
 * one client. Unlike the SDK's provider, {@link #run()} returns once the input ends and every reply to what was
 * read has been written and flushed, and it leaves no thread behind (requests run on virtual threads). A {@link Lane}
 * may answer some messages itself, beside the SDK session, on the same output (MCP 2026-07-28's stateless requests).
 */
public final class StdioServerTransport implements McpServerTransportProvider {

    /**
     * Messages answered outside the SDK session. A dual-era server decides per message (basic/versioning, "Backward
     * Compatibility"); whatever the lane does not claim goes to the session exactly as without it.
     */
    public interface Lane {
        /** Claims nothing: every message goes to the SDK session. */
        Lane NONE = new Lane() {
            @Override
            public Runnable claim(JsonNode message, Consumer<JsonNode> out) {
                return null;
            }

            @Override
            public void inputEnded() {
            }
        };

        /**
         * Called on the reading thread, in input order, so bookkeeping done here (e.g. which requests are in flight)
         * is in place before the next message is read. Returns null to leave the message to the SDK session, or the
         * work that answers it, which the transport runs concurrently and waits for when the input ends.
         *
         * @param out writes one message as one line, serialized with the session's replies
         */
        Runnable claim(JsonNode message, Consumer<JsonNode> out);

        /** The input ended: end any work that would otherwise wait for more input, so the drain can finish. */
        void inputEnded();
    }

    private static final Logger log = LoggerFactory.getLogger(StdioServerTransport.class);

    private final InputStream in;
    private final OutputStream out;
    private final McpJsonMapper mapper;
    private final Function<McpSchema.JSONRPCMessage, McpTransportContext> admission;
    private final Duration drainTimeout;
    private final Lane lane;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final SessionTransport transport = new SessionTransport();
    private final RelayTap relay = new RelayTap();
    private final StdioClientSession client = new StdioClientSession(this::write);
    private volatile McpServerSession session;
    private volatile boolean outputBroken;
    /** Set once the client said notifications/initialized: no server notification may precede it (spec lifecycle). */
    private volatile boolean initialized;

    /**
     * @param admission gives the context each incoming message runs with (the caller's token), or throws an
     *                  {@link McpError} to refuse it: a refused request is answered with that error
     * @param drainTimeout how long, after the input ends, to wait for requests still running
     */
    public StdioServerTransport(InputStream in, OutputStream out, Function<McpSchema.JSONRPCMessage, McpTransportContext> admission,
            Duration drainTimeout) {
        this(in, out, admission, drainTimeout, Lane.NONE);
    }

    /** @param lane answers the messages it claims beside the SDK session, on the same output */
    public StdioServerTransport(InputStream in, OutputStream out, Function<McpSchema.JSONRPCMessage, McpTransportContext> admission,
            Duration drainTimeout, Lane lane) {
        this.in = in;
        this.out = out;
        this.mapper = new JacksonMcpJsonMapper(Json.shared());
        this.admission = admission;
        this.drainTimeout = drainTimeout;
        this.lane = Objects.requireNonNull(lane);
    }

    @Override
    public java.util.List<String> protocolVersions() {
        return UndertowStreamableTransport.PROTOCOL_VERSIONS;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        this.session = sessionFactory.create(transport);
    }

    /**
     * Reads messages until the input ends, then waits (at most the drain timeout) for the replies still owed and
     * returns. Initialize and notifications are handled in order on the reading thread; requests and responses run
     * concurrently on virtual threads, so a slow tool never stops the next message from being read.
     */
    public void run() {
        if (session == null) {
            throw new IllegalStateException("no MCP server was built over this transport");
        }
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (!outputBroken && (line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    accept(line, requests);
                }
            }
        } catch (IOException e) {
            log.warn("stdin could not be read: {}", e.toString());
        } finally {
            endLane();
            drain(requests);
            relay.closed(client);
            try {
                session.closeGracefully().block(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("closing the stdio session: {}", e.toString());
            }
        }
    }

    private void accept(String line, ExecutorService requests) {
        JsonNode tree;
        try {
            tree = JsonRpcMessages.parse(line);
        } catch (JsonRpcMessages.ParseError e) {
            refuse(e.invalid());
            return;
        }
        // The same gate as every HTTP front: nothing malformed reaches the lane or the SDK session.
        Optional<InvalidMessage> invalid = JsonRpcMessages.problem(tree);
        if (invalid.isPresent()) {
            refuse(invalid.get());
            return;
        }
        // An answer to a request the relay sent is the relay's; then the lane (2026-07-28) claims what is its own;
        // what is left of the relay's (legacy cancellations, root changes, completion, subscriptions) comes next.
        if (!tree.has("method") && client.answer(Json.shared().convertValue(tree.get("id"), Object.class), tree)) {
            return;
        }
        Runnable claimed = lane.claim(tree, reply -> writeLine(JsonRpcHttp.toJson(mapper, reply)));
        if (claimed != null) {
            requests.execute(claimed);
            return;
        }
        if (relayed(tree, requests)) {
            return;
        }
        McpSchema.JSONRPCMessage message = JsonRpcHttp.sdkMessage(tree, mapper);
        if (message == null) {
            refuse(new InvalidMessage(InvalidMessage.INVALID_REQUEST, null,
                    "Invalid Request: not a JSON-RPC 2.0 request, notification or response", false));
            return;
        }
        boolean ordered = message instanceof McpSchema.JSONRPCNotification
                || message instanceof McpSchema.JSONRPCRequest r && McpSchema.METHOD_INITIALIZE.equals(r.method());
        if (message instanceof McpSchema.JSONRPCNotification n && McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(n.method())) {
            initialized = true;
        }
        if (ordered) {
            handle(message);
        } else {
            requests.execute(() -> handle(message));
        }
    }

    /** The relay's side door (set by {@link McpServerFactory}). */
    RelayTap relay() {
        return relay;
    }

    /**
     * Hands the relay what is its alone: answers to its requests, cancellations, root changes, and the requests it
     * answers itself (run like any request, with the same admission); notes what the client declared at initialize.
     * Returns whether the message was taken.
     */
    private boolean relayed(JsonNode tree, ExecutorService requests) {
        String method = tree.path("method").asText(null);
        if (McpSchema.METHOD_INITIALIZE.equals(method)) {
            client.initialized(tree.path("params"));
            return false;
        }
        McpSchema.JSONRPCMessage message = JsonRpcHttp.sdkMessage(tree, mapper);
        if (message == null) {
            return false;
        }
        if (message instanceof McpSchema.JSONRPCRequest request && relay.answers(request.method())) {
            requests.execute(() -> {
                McpTransportContext context = admitted(request);
                if (context != null) {
                    CallerChannel channel = client.channel(request.id());
                    write(RelayMessages.toRecord(relay.answer(CallerChannels.with(context, channel), channel, request)));
                }
            });
            return true;
        }
        return relay.consumes(client, message);
    }

    /** The context a message runs with, or null after answering a refused request with its error. */
    private McpTransportContext admitted(McpSchema.JSONRPCMessage message) {
        try {
            return admission.apply(message);
        } catch (McpError refused) {
            if (message instanceof McpSchema.JSONRPCRequest request) {
                write(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), null, refused.getJsonRpcError()));
            }
            return null;
        }
    }

    private void handle(McpSchema.JSONRPCMessage message) {
        McpTransportContext admitted = admitted(message);
        if (admitted == null) {
            return;
        }
        RelayedChannel channel = message instanceof McpSchema.JSONRPCRequest request ? (RelayedChannel) client.channel(request.id()) : null;
        McpTransportContext context = channel == null ? admitted : CallerChannels.with(admitted, channel);
        if (channel != null) {
            client.started(channel);
        }
        try {
            session.handle(message).contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context)).block();
        } catch (RuntimeException e) {
            // One line, no stack trace: the client gets a bare -32603, the log says which request and why.
            log.warn("handling stdio message {} failed: {}", describe(message), e.toString());
            if (message instanceof McpSchema.JSONRPCRequest request && !client.cancelled(request.id())) {
                writeError(request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error");
            }
        } finally {
            if (channel != null) {
                client.finished(channel);
            }
        }
    }

    /** A refused message is answered like a refused HTTP body; a notification gets no answer (JSON-RPC 2.0 section 4.1). */
    private void refuse(InvalidMessage invalid) {
        log.debug("refused a stdin message: {}", invalid.message());
        if (!invalid.notification()) {
            writeLine(JsonRpcHttp.toJson(mapper, invalid.response()));
        }
    }

    private static String describe(McpSchema.JSONRPCMessage message) {
        return message instanceof McpSchema.JSONRPCRequest r ? r.method() + " (id " + r.id() + ")"
                : message instanceof McpSchema.JSONRPCNotification n ? n.method() : "(a response)";
    }

    private void endLane() {
        try {
            lane.inputEnded();
        } catch (RuntimeException e) {
            log.warn("ending the stdio lane failed: {}", e.toString());
        }
    }

    private void drain(ExecutorService requests) {
        requests.shutdown();
        try {
            if (!requests.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("stdin closed; requests still running after {} were abandoned", drainTimeout);
                requests.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.shutdownNow();
        }
    }

    /** An error reply; built as a tree because the SDK's response type refuses the null id of a parse error. */
    private void writeError(Object id, int code, String message) {
        ObjectNode reply = JsonErrors.MAPPER.createObjectNode();
        reply.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        reply.set("id", JsonErrors.MAPPER.valueToTree(id));
        reply.putObject("error").put("code", code).put("message", message);
        writeLine(JsonRpcHttp.toJson(mapper, reply));
    }

    private void write(McpSchema.JSONRPCMessage message) {
        writeLine(JsonRpcHttp.toJson(mapper, message));
    }

    /** One message per line, flushed at once; the lock keeps concurrent replies from interleaving. */
    private void writeLine(byte[] json) {
        writeLock.lock();
        try {
            out.write(json);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            outputBroken = true;
            throw new UncheckedIOException("stdout is closed", e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession current = session;
        return current == null || !initialized ? Mono.empty() : current.sendNotification(method, params).onErrorResume(e -> {
            log.debug("could not notify the stdio client of {}: {}", method, e.toString());
            return Mono.empty();
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    /** The session's view of the streams. */
    private final class SessionTransport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            // The answer to a request the client cancelled is not sent (MCP basic/utilities/cancellation).
            if (message instanceof McpSchema.JSONRPCResponse response && client.cancelled(response.id())) {
                return Mono.empty();
            }
            return Mono.fromRunnable(() -> write(message));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return mapper.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }
    }
}
