package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import dev.mcpauth.mcp.StdioFront;
import dev.mcpauth.mcp.StdioServerTransport;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP 2026-07-28 on stdio (basic/transports/stdio): a message whose {@code _meta} names its protocol version is
 * answered here by {@link ModernServer}, statelessly, beside the legacy session; {@code initialize} and messages
 * without modern {@code _meta} are left to the session ({@link ProtocolEra}). There are no headers: the envelope
 * rules of {@link RequestEnvelope} are all there is. Each request runs through the stdio credential check
 * ({@link StdioFront.Admission}); {@code server/discover} passes even with a bad token, like {@code initialize}, so a
 * dual-era client's probe still finds a modern server. {@code subscriptions/listen} stays open until cancelled or
 * until stdin ends; {@code notifications/cancelled} stops a modern request from sending anything more (and a
 * {@code tools/call} relayed on the caller's own upstream connection is cancelled there). A {@code tools/call} that
 * asks for progress or log messages gets them before its answer.
 */
public final class StdioModernLane implements StdioServerTransport.Lane {

    private static final Logger log = LoggerFactory.getLogger(StdioModernLane.class);
    private static final ObjectMapper JSON = Json.shared();

    private final ModernServer server;
    private final StdioFront.Admission admission;
    /** Modern requests not yet answered, by JSON-RPC id: what a cancellation can refer to. */
    private final Map<JsonNode, InFlight> inFlight = new ConcurrentHashMap<>();

    public StdioModernLane(ModernServer server, StdioFront.Admission admission) {
        this.server = Objects.requireNonNull(server);
        this.admission = Objects.requireNonNull(admission);
    }

    @Override
    public Runnable claim(JsonNode message, Consumer<JsonNode> out) {
        if (isCancellation(message)) {
            // The cancel of a modern request is ours even without _meta; a legacy request's cancel stays the session's.
            InFlight cancelled = inFlight.get(message.path("params").path("requestId"));
            if (cancelled == null) {
                return null;
            }
            cancelled.cancel();
            return () -> {
            };
        }
        if (ProtocolEra.of(null, message) != ProtocolEra.MODERN) {
            return null;
        }
        if (RequestEnvelope.isNotification(message)) {
            return () -> {
            };
        }
        JsonNode id = message.path("id");
        InFlight request = new InFlight(out);
        boolean tracked = RequestEnvelope.idOrNull(id) != null && inFlight.putIfAbsent(id, request) == null;
        if (!tracked && RequestEnvelope.idOrNull(id) != null) {
            // A cancellation could not tell the two apart (basic/index: an id is never reused while in flight).
            return () -> request.reply(JsonRpcReply.error(400, id, ModernProtocol.INVALID_REQUEST, "Invalid Request: id " + id
                    + " is already used by a request still in flight; give each request its own id", null).message());
        }
        return () -> {
            try {
                answer(message, request);
            } catch (UncheckedIOException e) {
                log.debug("stdout closed before the reply to {} was written", id);
            } finally {
                if (tracked) {
                    inFlight.remove(id, request);
                }
            }
        };
    }

    /** Stdin ended: every open listen ends gracefully with its result, so the transport's drain can finish. */
    @Override
    public void inputEnded() {
        inFlight.values().forEach(InFlight::inputEnded);
    }

    private void answer(JsonNode message, InFlight request) {
        Optional<JsonRpcReply> problem = RequestEnvelope.problem(message);
        if (problem.isPresent()) {
            request.reply(problem.get().message());
            return;
        }
        String method = message.path("method").asText();
        McpTransportContext context;
        try {
            context = admission.admit(ModernProtocol.SERVER_DISCOVER.equals(method));
        } catch (McpError refused) {
            McpSchema.JSONRPCResponse.JSONRPCError error = refused.getJsonRpcError();
            request.reply(JsonRpcReply.error(200, message.path("id"), error.code(), error.message(),
                    JSON.valueToTree(error.data())).message());
            return;
        }
        if (ModernProtocol.SUBSCRIPTIONS_LISTEN.equals(method)) {
            listen(message, context, request);
            return;
        }
        // Progress and log messages the request asks for go to stdout before its answer; a cancel stops them.
        request.reply(server.handle(message, context, new RequestStream() {
            @Override
            public boolean notify(ObjectNode notification) {
                return request.send(notification);
            }

            @Override
            public boolean alive() {
                return !request.cancelled();
            }
        }).message());
    }

    /** subscriptions/listen: the honored filter is the requested kinds this server sends ({@link ListenKind}). */
    private void listen(JsonNode message, McpTransportContext context, InFlight request) {
        Set<ListenKind> kinds = ListenKind.requested(message.path("params"));
        if (kinds == null) {
            request.reply(ListenKind.missingFilter(message.path("id")).message());
            return;
        }
        ListenStream stream = new ListenStream(server, context, message.path("id"), kinds, new ListenStream.Output() {
            @Override
            public boolean send(ObjectNode event) {
                return request.send(event);
            }

            @Override
            public boolean keepAlive() {
                return true;
            }
        });
        request.listening(stream);
        stream.run(ListenKind.honored(kinds), null);
    }

    private static boolean isCancellation(JsonNode message) {
        return RequestEnvelope.isNotification(message) && ModernProtocol.CANCELLED.equals(message.path("method").asText());
    }

    /**
     * One modern request until its answer is written. Cancellation and writing share a lock, so once the cancel is
     * read nothing more is sent for the request (basic/transports/stdio, "Cancellation").
     */
    private static final class InFlight {
        private final Consumer<JsonNode> out;
        private boolean cancelled;
        private boolean inputEnded;
        private ListenStream listen;

        InFlight(Consumer<JsonNode> out) {
            this.out = out;
        }

        /** Writes a message about this request unless it was cancelled. */
        synchronized boolean send(JsonNode message) {
            if (cancelled) {
                return false;
            }
            out.accept(message);
            return true;
        }

        void reply(JsonNode message) {
            send(message);
        }

        synchronized void listening(ListenStream stream) {
            listen = stream;
            if (cancelled) {
                stream.end();
            } else if (inputEnded) {
                stream.serverClosing();
            }
        }

        synchronized boolean cancelled() {
            return cancelled;
        }

        synchronized void cancel() {
            cancelled = true;
            if (listen != null) {
                listen.end();
            }
        }

        synchronized void inputEnded() {
            inputEnded = true;
            if (listen != null) {
                listen.serverClosing();
            }
        }
    }
}
