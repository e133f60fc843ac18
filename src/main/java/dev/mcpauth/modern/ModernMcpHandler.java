package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.IoThreadSend;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.http.JsonRpcBody;
import dev.mcpauth.http.OpenStreams;
import dev.mcpauth.http.SseResponse;
import dev.mcpauth.jsonrpc.JsonRpcReply;
import dev.mcpauth.mcp.RequestContexts;
import io.modelcontextprotocol.common.McpTransportContext;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The end of the modern chain on Streamable HTTP: answers a validated 2026-07-28 request from {@link ModernServer}
 * with one JSON object, with an SSE stream for a request that asks for progress or log messages, or with a
 * long-lived SSE stream for {@code subscriptions/listen}. A notification gets
 * {@code 202} and no body. No session: {@code Mcp-Session-Id} is neither read nor minted, and the context a tool sees
 * holds the caller's token alone. Needs {@link Exchanges#JSON_RPC_BODY} and, when auth is on,
 * {@link Exchanges#ACCESS_TOKEN}; runs on a virtual thread (a tool may block, a listen stream parks).
 */
public final class ModernMcpHandler implements HttpHandler {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ModernMcpHandler.class);

    private final ModernServer server;
    private final Duration heartbeat;

    /** @param heartbeat how often an idle listen stream gets an SSE comment, so a client that left is noticed */
    public ModernMcpHandler(ModernServer server, Duration heartbeat) {
        this.server = Objects.requireNonNull(server);
        this.heartbeat = Objects.requireNonNull(heartbeat);
    }

    public ModernMcpHandler(ModernServer server) {
        this(server, Duration.ofSeconds(25));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        JsonRpcBody body = exchange.getAttachment(Exchanges.JSON_RPC_BODY);
        if (body == null) {
            JsonErrors.send(exchange, 500, "server_error", "The server is misconfigured and cannot answer this request");
            return;
        }
        JsonNode message = body.json();
        if (RequestEnvelope.isNotification(message)) {
            // Nothing for the server to act on: on HTTP, closing a response stream is itself the cancellation.
            exchange.setStatusCode(202);
            IoThreadSend.send(exchange, java.nio.ByteBuffer.allocate(0));
            return;
        }
        McpTransportContext context = RequestContexts.forExchange(exchange);
        if (ModernProtocol.SUBSCRIPTIONS_LISTEN.equals(message.path("method").asText())) {
            listen(exchange, message, context);
            return;
        }
        if (streams(exchange, message)) {
            answerOnStream(exchange, message, context);
            return;
        }
        JsonRpcReply reply = server.handle(message, context);
        JsonErrors.sendJson(exchange, reply.status(), reply.message());
    }

    /**
     * Whether a request is answered on an SSE stream: a {@code tools/call}, {@code prompts/get} or
     * {@code resources/read} that asks for progress or log messages ({@code _meta.progressToken},
     * {@code io.modelcontextprotocol/logLevel}) from a client whose Accept header lists {@code text/event-stream}.
     * Everything else keeps its one JSON answer.
     */
    private static boolean streams(HttpServerExchange exchange, JsonNode message) {
        JsonNode meta = message.path("params").path("_meta");
        return ModernProtocol.RELAYED.contains(message.path("method").asText())
                && (meta.has("progressToken") || meta.has(ModernProtocol.LOG_LEVEL_META))
                && SseResponse.acceptedBy(exchange);
    }

    /**
     * The call's notifications as they come, then its response, on the request's own stream (streamable-http,
     * "Receiving Messages"). Closing the stream cancels the call (noticed by the next keep-alive that fails to go out).
     */
    private void answerOnStream(HttpServerExchange exchange, JsonNode message, McpTransportContext context) {
        SseResponse sse = new SseResponse(exchange);
        JsonRpcReply reply = server.handle(message, context, new RequestStream() {
            @Override
            public boolean notify(ObjectNode notification) {
                return sse.send(notification);
            }

            @Override
            public boolean alive() {
                return sse.keepAlive();
            }
        });
        sse.respond(reply.message());
        sse.finish();
    }

    /** subscriptions/listen: the honored filter is the requested kinds this server sends ({@link ListenKind}). */
    private void listen(HttpServerExchange exchange, JsonNode message, McpTransportContext context) {
        Set<ListenKind> kinds = ListenKind.requested(message.path("params"));
        if (kinds == null) {
            JsonRpcReply bad = ListenKind.missingFilter(message.path("id"));
            JsonErrors.sendJson(exchange, bad.status(), bad.message());
            return;
        }
        // A listen stream stays open: it leaves the request budget for the stream budget (or is refused, answered).
        try (OpenStreams.Lease lease = OpenStreams.open(exchange, Exchanges.subject(exchange))) {
            if (lease == null) {
                return;
            }
            SseResponse sse = new SseResponse(exchange);
            ListenStream stream = new ListenStream(server, context, message.path("id"), kinds, new ListenStream.Output() {
                @Override
                public boolean send(ObjectNode event) {
                    return sse.send(event);
                }

                @Override
                public boolean keepAlive() {
                    return sse.keepAlive();
                }
            });
            // Closing the stream is the client's cancellation (streamable-http, "Receiving Messages").
            exchange.getConnection().addCloseListener(connection -> stream.end());
            try {
                sse.open();
                stream.run(ListenKind.honored(kinds), heartbeat);
            } catch (java.io.IOException e) {
                log.debug("listen stream {} could not start: {}", message.path("id"), e.toString());
            } finally {
                sse.finish();
            }
        }
    }
}
