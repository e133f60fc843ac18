package dev.mcpauth.mcp;

import dev.mcpauth.http.IoThreadSend;
import dev.mcpauth.json.Json;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.mcp.JsonRpcHttp.BadMessage;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The stateless flavour of Streamable HTTP ({@code --stateless}): no sessions, no server-to-client stream. Every
 * POSTed request is answered with one {@code application/json} response; GET and DELETE get 405, as the spec
 * allows for a server that offers no SSE stream and no session to end.
 */
public final class UndertowStatelessTransport implements McpStatelessServerTransport, HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(UndertowStatelessTransport.class);

    private final McpJsonMapper mapper;
    private final McpTransportContextExtractor<HttpServerExchange> contextExtractor;
    private final int maxBodyBytes;
    private volatile McpStatelessServerHandler handler;
    private volatile boolean closing;

    /** Defaults: Jackson 2 mapper, {@link ExchangeContextExtractor}, 4 MiB bodies. */
    public UndertowStatelessTransport() {
        this(new JacksonMcpJsonMapper(Json.shared()), new ExchangeContextExtractor(), JsonRpcHttp.DEFAULT_MAX_BODY_BYTES);
    }

    public UndertowStatelessTransport(McpJsonMapper mapper, McpTransportContextExtractor<HttpServerExchange> contextExtractor,
            int maxBodyBytes) {
        this.mapper = Objects.requireNonNull(mapper);
        this.contextExtractor = Objects.requireNonNull(contextExtractor);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public List<String> protocolVersions() {
        return UndertowStreamableTransport.PROTOCOL_VERSIONS;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (JsonRpcHttp.dispatchedOffIoThread(exchange, this)) {
            return;
        }
        if (closing || handler == null) {
            JsonErrors.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, "temporarily_unavailable", "The MCP server is shutting down");
            return;
        }
        if (!Methods.POST.equals(exchange.getRequestMethod())) {
            JsonRpcHttp.methodNotAllowed(exchange, "POST",
                    "This MCP server is stateless: it offers no server-to-client stream (GET) and no session to end (DELETE)");
            return;
        }
        try {
            post(exchange);
        } catch (BadMessage bad) {
            JsonRpcHttp.sendError(exchange, bad);
        } catch (RuntimeException e) {
            // Whatever went wrong stays in the log; the client gets a JSON error, never the exception.
            log.warn("MCP request failed: {}", e.toString());
            JsonRpcHttp.sendError(exchange, StatusCodes.INTERNAL_SERVER_ERROR, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error");
        }
    }

    private void post(HttpServerExchange exchange) throws BadMessage {
        JsonRpcHttp.requireAccept(exchange, List.of(JsonRpcHttp.APPLICATION_JSON));
        McpSchema.JSONRPCMessage message = JsonRpcHttp.readMessage(exchange, mapper, maxBodyBytes);
        boolean initialize = message instanceof McpSchema.JSONRPCRequest r && McpSchema.METHOD_INITIALIZE.equals(r.method());
        if (!initialize) {
            JsonRpcHttp.requireSupportedProtocolVersion(exchange, UndertowStreamableTransport.PROTOCOL_VERSIONS);
        }
        McpTransportContext context = contextExtractor.extract(exchange);
        switch (message) {
            case McpSchema.JSONRPCRequest request -> respond(exchange, request, context);
            case McpSchema.JSONRPCNotification notification -> {
                try {
                    withContext(handler.handleNotification(context, notification), context).block();
                } catch (RuntimeException e) {
                    log.warn("notification {} failed: {}", notification.method(), e.toString());
                }
                exchange.setStatusCode(StatusCodes.ACCEPTED);
                IoThreadSend.send(exchange, ByteBuffer.allocate(0));
            }
            case McpSchema.JSONRPCResponse response -> throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "A stateless server sends no requests, so it accepts no responses");
            default -> throw new BadMessage(StatusCodes.BAD_REQUEST, McpSchema.ErrorCodes.INVALID_REQUEST, "Unknown message type");
        }
    }

    private void respond(HttpServerExchange exchange, McpSchema.JSONRPCRequest request, McpTransportContext context) {
        McpSchema.JSONRPCResponse response;
        try {
            response = withContext(handler.handleRequest(context, request), context).block();
        } catch (RuntimeException e) {
            log.warn("request {} failed: {}", request.method(), e.toString());
            JsonRpcHttp.sendError(exchange, StatusCodes.INTERNAL_SERVER_ERROR, request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "Internal error");
            return;
        }
        exchange.setStatusCode(StatusCodes.OK);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JsonRpcHttp.APPLICATION_JSON);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        IoThreadSend.send(exchange, ByteBuffer.wrap(JsonRpcHttp.toJson(mapper, response)));
    }

    private static <T> Mono<T> withContext(Mono<T> mono, McpTransportContext context) {
        return mono.contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> closing = true);
    }
}
