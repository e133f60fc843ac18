package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.mcp.CallerChannel;
import dev.mcpauth.mcp.ClientSession;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One 2026-07-28 {@code tools/call}, {@code prompts/get} or {@code resources/read} relayed to an upstream over a
 * connection of the caller's own, across the HTTP
 * requests it takes (basic/patterns/mrtr): the upstream's server-to-client requests ({@code sampling/createMessage},
 * {@code elicitation/create}, {@code roots/list}) become events the front answers with {@code input_required}, and
 * the client's {@code inputResponses} on the retry answer them. The call itself runs on its own thread throughout.
 * While a request of the call waits with a {@link RequestStream}, the upstream's progress for the call's
 * {@code progressToken} and its log messages at or above the request's {@code io.modelcontextprotocol/logLevel} go on
 * that stream; nothing else does, and nothing at all between requests.
 */
final class ModernCall implements CallerChannel {

    /** What the front waits for: the call's end, or input the upstream asks for meanwhile. */
    sealed interface Event permits Done, Failed, Input, Gone {
    }

    /** The client closed the request's stream (or cancelled the request on stdio) while it waited. */
    record Gone() implements Event {
    }

    record Done(ObjectNode result) implements Event {
    }

    record Failed(McpError error) implements Event {
    }

    record Input(String method, JsonNode params, CompletableFuture<JsonNode> answer) implements Event {
    }

    private final ClientSession session;
    private final Object requestId;
    private final String method;
    private final String target;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile Input waiting;
    private volatile Listener listener;
    /** Held while relaying a notification, so that once {@link #listen} returns nothing more goes to the old stream. */
    private final ReentrantLock relaying = new ReentrantLock();
    private volatile boolean abandoned;

    /** {@code target}: what the request names, the tool's or the prompt's name or the resource's URI. */
    ModernCall(ClientSession session, Object requestId, String method, String target) {
        this.session = session;
        this.requestId = requestId;
        this.method = method;
        this.target = target;
    }

    String method() {
        return method;
    }

    String target() {
        return target;
    }

    void done(ObjectNode result) {
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

    /** What one request of the call asked to hear, and the stream it hears it on. */
    private record Listener(RequestStream stream, JsonNode progressToken, McpSchema.LoggingLevel logLevel) {
    }

    /**
     * The request now waiting on the call, with its {@code _meta}: progress and log messages go to {@code stream}
     * from now on (null: to nobody). A log level the request does not name means no log messages (2026-07-28,
     * server/utilities/logging: none for a request without {@code io.modelcontextprotocol/logLevel}).
     */
    void listen(RequestStream stream, JsonNode meta) {
        if (stream == null) {
            relaying.lock();
            try {
                listener = null;
            } finally {
                relaying.unlock();
            }
            return;
        }
        JsonNode token = meta.path("progressToken");
        McpSchema.LoggingLevel level;
        try {
            level = meta.path(ModernProtocol.LOG_LEVEL_META).isTextual()
                    ? McpSchema.LoggingLevel.valueOf(meta.path(ModernProtocol.LOG_LEVEL_META).asText().toUpperCase(Locale.ROOT)) : null;
        } catch (IllegalArgumentException unknown) {
            level = null;
        }
        listener = new Listener(stream, token.isTextual() || token.isIntegralNumber() ? token : null, level);
    }

    /** What the upstream says about this call: relayed when the waiting request asked for it. */
    @Override
    public void notify(String method, JsonNode params) {
        relaying.lock();
        try {
            Listener to = listener;
            if (to == null || abandoned || !wanted(to, method, params)) {
                return;
            }
            ObjectNode notification = JsonNodeFactory.instance.objectNode();
            notification.put("jsonrpc", "2.0").put("method", method).set("params", params);
            to.stream().notify(notification);
        } finally {
            relaying.unlock();
        }
    }

    private static boolean wanted(Listener to, String method, JsonNode params) {
        return switch (method) {
            case McpSchema.METHOD_NOTIFICATION_PROGRESS -> to.progressToken() != null
                    && to.progressToken().asText().equals(params.path("progressToken").asText());
            case McpSchema.METHOD_NOTIFICATION_MESSAGE -> to.logLevel() != null && atLeast(params.path("level").asText(), to.logLevel());
            default -> false;
        };
    }

    private static boolean atLeast(String level, McpSchema.LoggingLevel minimum) {
        try {
            return McpSchema.LoggingLevel.valueOf(level.toUpperCase(Locale.ROOT)).level() >= minimum.level();
        } catch (IllegalArgumentException unknown) {
            return false;
        }
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
