package dev.mcpauth.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import java.util.List;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/**
 * Transports seen by the SDK server through a filter on its replies: each reply passes {@code filter} with the
 * context of the request it answers (the caller's token), before it is written. The gateway narrows list results
 * this way ({@link CallerLists}). Without a request context a reply is filtered as for an anonymous caller. Every
 * error reply then passes {@link NeutralErrors}, so no SDK or Java text reaches a client.
 */
final class CallerFilteredTransports {

    /** A reply as the caller of the request it answers may see it. */
    interface ReplyFilter extends BiFunction<McpTransportContext, McpSchema.JSONRPCMessage, McpSchema.JSONRPCMessage> {
    }

    private CallerFilteredTransports() {
    }

    /** A provider whose sessions write through {@code filter}; the request context reaches the reply through Reactor's context. */
    static McpServerTransportProvider sessionful(McpServerTransportProvider provider, ReplyFilter filter) {
        return new McpServerTransportProvider() {
            @Override
            public void setSessionFactory(McpServerSession.Factory factory) {
                provider.setSessionFactory(transport -> factory.create(new FilteredSessionTransport(transport, filter)));
            }

            @Override
            public Mono<Void> notifyClients(String method, Object params) {
                return provider.notifyClients(method, params);
            }

            @Override
            public Mono<Void> notifyClient(String sessionId, String method, Object params) {
                return provider.notifyClient(sessionId, method, params);
            }

            @Override
            public void close() {
                provider.close();
            }

            @Override
            public Mono<Void> closeGracefully() {
                return provider.closeGracefully();
            }

            @Override
            public List<String> protocolVersions() {
                return provider.protocolVersions();
            }
        };
    }

    /** A stateless transport whose handler's responses pass {@code filter} with the request's own context. */
    static McpStatelessServerTransport stateless(McpStatelessServerTransport transport, ReplyFilter filter) {
        return new McpStatelessServerTransport() {
            @Override
            public void setMcpHandler(McpStatelessServerHandler handler) {
                transport.setMcpHandler(new McpStatelessServerHandler() {
                    @Override
                    public Mono<McpSchema.JSONRPCResponse> handleRequest(McpTransportContext context, McpSchema.JSONRPCRequest request) {
                        return handler.handleRequest(context, request)
                                .map(r -> (McpSchema.JSONRPCResponse) NeutralErrors.apply(filter.apply(context, r)));
                    }

                    @Override
                    public Mono<Void> handleNotification(McpTransportContext context, McpSchema.JSONRPCNotification notification) {
                        return handler.handleNotification(context, notification);
                    }
                });
            }

            @Override
            public void close() {
                transport.close();
            }

            @Override
            public Mono<Void> closeGracefully() {
                return transport.closeGracefully();
            }

            @Override
            public List<String> protocolVersions() {
                return transport.protocolVersions();
            }
        };
    }

    /** The stream answering one Streamable HTTP request, whose caller is known when the stream is made. */
    static McpStreamableServerTransport responseStream(McpStreamableServerTransport stream, McpTransportContext context, ReplyFilter filter) {
        return new ForwardingStream() {
            @Override
            public McpStreamableServerTransport stream() {
                return stream;
            }

            @Override
            public Mono<Void> send(McpSchema.JSONRPCMessage message, String messageId) {
                return stream.sendMessage(NeutralErrors.apply(filter.apply(context, message)), messageId);
            }
        };
    }

    private record FilteredSessionTransport(McpServerTransport transport, ReplyFilter filter) implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.deferContextual(ctx -> transport.sendMessage(NeutralErrors.apply(
                    filter.apply(ctx.getOrDefault(McpTransportContext.KEY, McpTransportContext.EMPTY), message))));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return transport.unmarshalFrom(data, typeRef);
        }

        @Override
        public void close() {
            transport.close();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return transport.closeGracefully();
        }

        @Override
        public List<String> protocolVersions() {
            return transport.protocolVersions();
        }
    }
}
