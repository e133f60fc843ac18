package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Streamable HTTP session as the relay sees it: outside any request it talks on the session's GET stream, when the
 * client keeps one open (streamable-http, "Listening for Messages from the Server"); without one, a notification is
 * dropped and a request fails at once.
 */
final class HttpClientSession extends RelayedSession {

    private static final Logger log = LoggerFactory.getLogger(HttpClientSession.class);

    /** A random, unguessable id (streamable-http, "Session Management": globally unique and cryptographically secure). */
    private final String id = UUID.randomUUID().toString();
    private final AtomicReference<SseStream> listening = new AtomicReference<>();

    HttpClientSession(JsonNode initializeParams) {
        initialized(initializeParams);
    }

    @Override
    public String id() {
        return id;
    }

    /** The open GET stream, if any. */
    AtomicReference<SseStream> listening() {
        return listening;
    }

    @Override
    public void notify(String method, JsonNode params) {
        SseStream stream = listening.get();
        if (stream == null) {
            log.debug("session {}: {} not delivered (no open GET stream)", id, method);
            return;
        }
        stream.send(RelayMessages.notification(method, params));
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        SseStream stream = listening.get();
        if (stream == null) {
            answer.complete(RelayMessages.error(null, McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "The client's session has no open GET stream to carry " + method, null));
            return answer;
        }
        stream.send(RelayMessages.request(nextRequestId(answer), method, params));
        return answer;
    }

    /** Ends the GET stream, if one is open. */
    void closeListening() {
        SseStream stream = listening.getAndSet(null);
        if (stream != null) {
            stream.close();
        }
    }
}
