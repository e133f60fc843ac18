package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.jsonrpc.InvalidMessage;
import dev.mcpauth.jsonrpc.JsonRpcMessages;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
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

/**
 * MCP's stdio transport (spec basic/transports): newline-delimited JSON-RPC on an input and an output stream, for
 * one client. Framing only: what a request is answered with is {@link SessionAnswers}' (the one {@link McpDispatch},
 * the relay). {@link #run()} returns once the input ends and every reply to what was read has been written and
 * flushed, and it leaves no thread behind (requests run on virtual threads). A {@link Lane} may answer some messages
 * itself, beside the session, on the same output (MCP 2026-07-28's stateless requests).
 */
public final class StdioServerTransport {

    /**
     * Messages answered outside the session. A dual-era server decides per message (basic/versioning, "Backward
     * Compatibility"); whatever the lane does not claim goes to the session exactly as without it.
     */
    public interface Lane {
        /** Claims nothing: every message goes to the session. */
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
         * is in place before the next message is read. Returns null to leave the message to the session, or the
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
    private final Function<JsonNode, McpTransportContext> admission;
    private final Duration drainTimeout;
    private final Lane lane;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final RelayTap relay = new RelayTap();
    private final StdioClientSession client = new StdioClientSession(this::write);
    private volatile SessionAnswers answers;
    private volatile boolean outputBroken;
    /** Set once the client said notifications/initialized: no server notification may precede it (spec lifecycle). */
    private volatile boolean initialized;

    /**
     * @param admission gives the context each incoming message runs with (the caller's token), or throws an
     *                  {@link McpError} to refuse it: a refused request is answered with that error
     * @param drainTimeout how long, after the input ends, to wait for requests still running
     */
    public StdioServerTransport(InputStream in, OutputStream out, Function<JsonNode, McpTransportContext> admission,
            Duration drainTimeout) {
        this(in, out, admission, drainTimeout, Lane.NONE);
    }

    /** @param lane answers the messages it claims beside the SDK session, on the same output */
    public StdioServerTransport(InputStream in, OutputStream out, Function<JsonNode, McpTransportContext> admission,
            Duration drainTimeout, Lane lane) {
        this.in = in;
        this.out = out;
        this.admission = admission;
        this.drainTimeout = drainTimeout;
        this.lane = Objects.requireNonNull(lane);
    }

    /** What requests are answered with (set by {@link McpServerFactory}). */
    void answerWith(SessionAnswers answers) {
        this.answers = Objects.requireNonNull(answers);
    }

    /**
     * Reads messages until the input ends, then waits (at most the drain timeout) for the replies still owed and
     * returns. Initialize and notifications are handled in order on the reading thread; requests and responses run
     * concurrently on virtual threads, so a slow tool never stops the next message from being read.
     */
    public void run() {
        if (answers == null) {
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
        // An answer to a request the relay sent is the relay's; then the lane (2026-07-28) claims what is its own.
        if (!tree.has("method") && client.answer(Json.id(tree.get("id")), tree)) {
            return;
        }
        Runnable claimed = lane.claim(tree, this::write);
        if (claimed != null) {
            requests.execute(claimed);
            return;
        }
        String method = tree.path("method").asText(null);
        if (method == null) {
            log.debug("dropped a response that answers no request of this session");
            return;
        }
        if (!tree.has("id")) {
            // Notifications in input order: a cancellation or root change reaches the relay before what follows it.
            initialized |= McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(method);
            relay.consumes(client, tree);
            return;
        }
        if (McpSchema.METHOD_INITIALIZE.equals(method)) {
            client.initialized(tree.path("params"));
            handle(tree);
            return;
        }
        relay.consumes(client, tree);
        requests.execute(() -> handle(tree));
    }

    /** The relay's side door (wired by {@link McpServerFactory}). */
    RelayTap relay() {
        return relay;
    }

    /** The context a request runs with, or null after answering a refused request with its error. */
    private McpTransportContext admitted(JsonNode request) {
        try {
            return admission.apply(request);
        } catch (McpError refused) {
            write(RelayMessages.error(Json.id(request.get("id")), refused));
            return null;
        }
    }

    /** Answers one request, unless the client cancelled it meanwhile (MCP basic/utilities/cancellation). */
    private void handle(JsonNode request) {
        McpTransportContext admitted = admitted(request);
        if (admitted == null) {
            return;
        }
        Object id = Json.id(request.get("id"));
        RelayedChannel channel = (RelayedChannel) client.channel(id);
        client.started(channel);
        try {
            JsonRpcReply reply = McpSchema.METHOD_INITIALIZE.equals(request.path("method").asText())
                    ? answers.initialize(request.get("id"), SessionAnswers.params(request))
                    : answers.answer(channel, CallerChannels.with(admitted, channel), request);
            if (!client.cancelled(id)) {
                write(reply.message());
            }
        } catch (RuntimeException e) {
            // One line, no stack trace: the client gets a bare -32603, the log says which request and why.
            log.warn("handling stdio request {} failed: {}", request.path("method").asText(), e.toString());
            if (!client.cancelled(id)) {
                write(RelayMessages.error(id, McpSchema.ErrorCodes.INTERNAL_ERROR, NeutralErrors.INTERNAL_ERROR, null));
            }
        } finally {
            client.finished(channel);
        }
    }

    /** A refused message is answered like a refused HTTP body; a notification gets no answer (JSON-RPC 2.0 section 4.1). */
    private void refuse(InvalidMessage invalid) {
        log.debug("refused a stdin message: {}", invalid.message());
        if (!invalid.notification()) {
            write(invalid.response());
        }
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

    private void write(JsonNode message) {
        byte[] json;
        try {
            json = Json.shared().writeValueAsBytes(message);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("could not serialize a JSON-RPC message", e);
        }
        writeLine(json);
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

    /** Tells the client something that concerns its session (a list changed), once it said it is initialized (lifecycle). */
    void notifyAll(String method) {
        if (!initialized || outputBroken) {
            return;
        }
        try {
            client.notify(method, null);
        } catch (UncheckedIOException e) {
            log.debug("could not notify the stdio client of {}: {}", method, e.toString());
        }
    }
}
