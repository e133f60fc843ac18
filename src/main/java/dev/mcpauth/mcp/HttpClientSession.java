package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** A Streamable HTTP session as the relay sees it: outside any request it talks on the session's GET stream. */
final class HttpClientSession extends RelayedSession {

    private static final Logger log = LoggerFactory.getLogger(HttpClientSession.class);

    private final McpStreamableServerSession session;

    HttpClientSession(McpStreamableServerSession session, JsonNode initializeParams) {
        this.session = session;
        initialized(initializeParams);
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public void notify(String method, JsonNode params) {
        try {
            session.sendNotification(method, params).block();
        } catch (RuntimeException e) {
            log.debug("session {}: {} not delivered (no open GET stream): {}", id(), method, e.toString());
        }
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        return session.sendRequest(method, params, new TypeRef<Object>() {
        }).map(result -> (JsonNode) RelayMessages.result(null, Json.shared().valueToTree(result)))
                .onErrorResume(McpError.class, e -> Mono.just(RelayMessages.error(null, e)))
                .toFuture();
    }
}
