package dev.mcpauth.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import reactor.core.publisher.Mono;

/**
 * A request's stream that hands every message to {@link #send} and everything else to the stream it wraps: the one
 * place where the SDK's stream interface is forwarded, for the streams that narrow replies to the caller
 * ({@link CallerFilteredTransports#responseStream}) and drop answers to cancelled requests ({@link SseCallerChannel}).
 */
interface ForwardingStream extends McpStreamableServerTransport {

    /** The stream written to. */
    McpStreamableServerTransport stream();

    /** Writes {@code message} (in reply to {@code messageId}, or null) as this stream decides. */
    Mono<Void> send(McpSchema.JSONRPCMessage message, String messageId);

    @Override
    default Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return send(message, null);
    }

    @Override
    default Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return send(message, messageId);
    }

    @Override
    default <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return stream().unmarshalFrom(data, typeRef);
    }

    @Override
    default void close() {
        stream().close();
    }

    @Override
    default Mono<Void> closeGracefully() {
        return stream().closeGracefully();
    }
}
