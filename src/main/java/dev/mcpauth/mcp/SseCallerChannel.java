package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * One POSTed request's SSE stream as a {@link CallerChannel}: what an upstream says while working on the request is
 * written on it, beside the eventual response. Also the transport the SDK answers through, so that once the client
 * cancelled the request its answer is dropped (MCP basic/utilities/cancellation: no response after a cancellation).
 */
final class SseCallerChannel extends RelayedChannel implements ForwardingStream {

    private final McpStreamableServerTransport stream;
    private final HttpClientSession session;

    SseCallerChannel(McpStreamableServerTransport stream, HttpClientSession session, Object requestId) {
        super(session, requestId);
        this.stream = stream;
        this.session = session;
    }

    @Override
    public void notify(String method, JsonNode params) {
        if (!cancelled()) {
            stream.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, params)).block();
        }
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        String id = session.nextRequestId(answer);
        stream.sendMessage(new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params)).block();
        return answer;
    }

    @Override
    public McpStreamableServerTransport stream() {
        return stream;
    }

    @Override
    public Mono<Void> send(McpSchema.JSONRPCMessage message, String messageId) {
        return cancelled() && message instanceof McpSchema.JSONRPCResponse ? Mono.empty() : stream.sendMessage(message, messageId);
    }
}
