package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * One POSTed request's SSE stream as a {@link CallerChannel}: what an upstream says while working on the request is
 * written on it, beside the eventual response, which is dropped once the client cancelled the request (MCP
 * basic/utilities/cancellation: no response after a cancellation).
 */
final class SseCallerChannel extends RelayedChannel {

    private final SseStream stream;
    private final HttpClientSession session;

    SseCallerChannel(SseStream stream, HttpClientSession session, Object requestId) {
        super(session, requestId);
        this.stream = stream;
        this.session = session;
    }

    @Override
    public void notify(String method, JsonNode params) {
        if (!cancelled()) {
            stream.send(RelayMessages.notification(method, params));
        }
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        String id = session.nextRequestId(answer);
        stream.send(RelayMessages.request(id, method, params));
        return answer;
    }

    /** The request's response, unless the client cancelled the request. */
    void respond(JsonNode response) {
        if (!cancelled()) {
            stream.send(response);
        }
    }
}
