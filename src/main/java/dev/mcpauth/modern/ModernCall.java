package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.mcp.CallerChannel;
import dev.mcpauth.mcp.ClientSession;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One 2026-07-28 {@code tools/call} relayed to an upstream over a connection of the caller's own, across the HTTP
 * requests it takes (basic/patterns/mrtr): the upstream's server-to-client requests ({@code sampling/createMessage},
 * {@code elicitation/create}, {@code roots/list}) become events the front answers with {@code input_required}, and
 * the client's {@code inputResponses} on the retry answer them. The call itself runs on its own thread throughout.
 */
final class ModernCall implements CallerChannel {

    /** What the front waits for: the call's end, or input the upstream asks for meanwhile. */
    sealed interface Event permits Done, Failed, Input {
    }

    record Done(McpSchema.CallToolResult result) implements Event {
    }

    record Failed(McpError error) implements Event {
    }

    record Input(String method, JsonNode params, CompletableFuture<JsonNode> answer) implements Event {
    }

    private final ClientSession session;
    private final Object requestId;
    private final String tool;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile Input waiting;
    private volatile boolean abandoned;

    ModernCall(ClientSession session, Object requestId, String tool) {
        this.session = session;
        this.requestId = requestId;
        this.tool = tool;
    }

    String tool() {
        return tool;
    }

    void done(McpSchema.CallToolResult result) {
        events.add(new Done(result));
    }

    void failed(McpError error) {
        events.add(new Failed(error));
    }

    /** The next event, or null when none came within {@code timeout}. */
    Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event instanceof Input input) {
            waiting = input;
        }
        return event;
    }

    /** The client's answer to the input asked last (a whole response message: result or error). */
    void answer(JsonNode response) {
        Input input = waiting;
        waiting = null;
        if (input != null) {
            input.answer().complete(response);
        }
    }

    /** The client will not come back (expired or replaced): what the upstream waits for fails at once. */
    void abandon() {
        abandoned = true;
        Input input = waiting;
        if (input != null) {
            input.answer().completeExceptionally(new IllegalStateException("the client did not answer the input request in time"));
        }
    }

    @Override
    public ClientSession session() {
        return session;
    }

    @Override
    public Object requestId() {
        return requestId;
    }

    /** 2026-07-28 answers a call with one JSON result here, so notifications during it are not carried. */
    @Override
    public void notify(String method, JsonNode params) {
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        if (abandoned) {
            answer.completeExceptionally(new IllegalStateException("the client is gone"));
        } else {
            events.add(new Input(method, params, answer));
        }
        return answer;
    }

    @Override
    public boolean cancelled() {
        return abandoned;
    }
}
