package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The one client of {@code serve --stdio} as the relay sees it: every message, related or not, goes to stdout. */
final class StdioClientSession extends RelayedSession {

    private final String id = "stdio-" + UUID.randomUUID();
    private final Consumer<JsonNode> out;

    StdioClientSession(Consumer<JsonNode> out) {
        this.out = out;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void notify(String method, JsonNode params) {
        out.accept(RelayMessages.notification(method, params));
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        out.accept(RelayMessages.request(nextRequestId(answer), method, params));
        return answer;
    }

    /** One request of this client, on the same stdout. */
    CallerChannel channel(Object requestId) {
        StdioClientSession session = this;
        return new RelayedChannel(this, requestId) {
            @Override
            public void notify(String method, JsonNode params) {
                if (!cancelled()) {
                    session.notify(method, params);
                }
            }

            @Override
            public CompletableFuture<JsonNode> request(String method, JsonNode params) {
                return session.request(method, params);
            }
        };
    }
}
