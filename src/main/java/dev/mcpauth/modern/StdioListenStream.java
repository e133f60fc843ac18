package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code subscriptions/listen} request on stdio, where all messages share stdout (basic/transports/stdio,
 * "Receiving Messages"): first {@code notifications/subscriptions/acknowledged}, then
 * {@code notifications/tools/list_changed} whenever the tools this caller may see change, each tagged with the
 * subscription id (the listen request's id) so the client can tell them from other traffic. It ends with the empty
 * listen result when stdin ends or the server closes, and silently when the client cancels it. Runs on the
 * request's virtual thread, which alone writes for it; catalog callbacks only enqueue.
 */
final class StdioListenStream implements ToolListSubscriptions.Subscriber {

    private static final Logger log = LoggerFactory.getLogger(StdioListenStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Event { CATALOG_CHANGED, SERVER_CLOSING, CANCELLED }

    private final ModernServer server;
    private final McpTransportContext context;
    private final JsonNode subscriptionId;
    private final boolean toolsListChanged;
    private final Predicate<JsonNode> out;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private List<McpSchema.Tool> lastSeen;

    /** @param out writes one message for this request; false once the request was cancelled */
    StdioListenStream(ModernServer server, McpTransportContext context, JsonNode subscriptionId, boolean toolsListChanged,
            Predicate<JsonNode> out) {
        this.server = server;
        this.context = context;
        this.subscriptionId = subscriptionId;
        this.toolsListChanged = toolsListChanged;
        this.out = out;
    }

    @Override
    public void catalogChanged() {
        events.offer(Event.CATALOG_CHANGED);
    }

    @Override
    public void serverClosing() {
        events.offer(Event.SERVER_CLOSING);
    }

    /** The client sent notifications/cancelled for the listen request: end without another message. */
    void cancel() {
        events.offer(Event.CANCELLED);
    }

    /** Acknowledges, then relays changes until stdin ends, the server closes or the client cancels. */
    void run(ObjectNode honored) {
        lastSeen = server.visibleTools(context);
        Runnable unsubscribe = server.subscriptions().subscribe(this);
        try {
            ObjectNode params = JSON.createObjectNode();
            params.set("notifications", honored);
            if (out.test(notification(ModernProtocol.SUBSCRIPTIONS_ACKNOWLEDGED, params))) {
                loop();
            }
        } catch (UncheckedIOException e) {
            log.debug("listen {} ended: stdout is closed", subscriptionId);
        } finally {
            unsubscribe.run();
        }
    }

    private void loop() {
        while (true) {
            Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event == Event.CANCELLED) {
                return;
            }
            if (event == Event.SERVER_CLOSING) {
                out.test(closedResult());
                return;
            }
            if (toolsListChanged && changed() && !out.test(notification(ModernProtocol.TOOLS_LIST_CHANGED, JSON.createObjectNode()))) {
                return;
            }
        }
    }

    /** Whether the tools this caller may see differ from what it saw last (a handler-only swap is no change). */
    private boolean changed() {
        List<McpSchema.Tool> now = server.visibleTools(context);
        if (now.equals(lastSeen)) {
            return false;
        }
        lastSeen = now;
        return true;
    }

    private ObjectNode notification(String method, ObjectNode params) {
        params.with("_meta").set(ModernProtocol.SUBSCRIPTION_ID_META, subscriptionId);
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        message.set("params", params);
        return message;
    }

    /** The listen result, sent only when the server ends the subscription deliberately (schema: SubscriptionsListenResult). */
    private ObjectNode closedResult() {
        ObjectNode result = JSON.createObjectNode().put("resultType", "complete");
        result.putObject("_meta").set(ModernProtocol.SUBSCRIPTION_ID_META, subscriptionId);
        return ModernReply.result(subscriptionId, result).message();
    }
}
