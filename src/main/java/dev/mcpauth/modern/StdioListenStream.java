package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.common.McpTransportContext;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code subscriptions/listen} request on stdio, where all messages share stdout (basic/transports/stdio,
 * "Receiving Messages"): first {@code notifications/subscriptions/acknowledged}, then
 * a {@code list_changed} whenever the tools, prompts or resources (as subscribed) this caller may see change, each tagged with the
 * subscription id (the listen request's id) so the client can tell them from other traffic. It ends with the empty
 * listen result when stdin ends or the server closes, and silently when the client cancels it. Runs on the
 * request's virtual thread, which alone writes for it; catalog callbacks only enqueue.
 */
final class StdioListenStream implements ListSubscriptions.Subscriber {

    private static final Logger log = LoggerFactory.getLogger(StdioListenStream.class);

    private enum Event { CATALOG_CHANGED, SERVER_CLOSING, CANCELLED }

    private final ModernServer server;
    private final McpTransportContext context;
    private final JsonNode subscriptionId;
    private final Set<ListenKind> kinds;
    private final Predicate<JsonNode> out;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private ListenMessages messages;

    /** @param out writes one message for this request; false once the request was cancelled */
    StdioListenStream(ModernServer server, McpTransportContext context, JsonNode subscriptionId, Set<ListenKind> kinds,
            Predicate<JsonNode> out) {
        this.server = server;
        this.context = context;
        this.subscriptionId = subscriptionId;
        this.kinds = kinds;
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
        messages = new ListenMessages(server, context, subscriptionId, kinds);
        Runnable unsubscribe = server.subscriptions().subscribe(this);
        try {
            if (out.test(messages.acknowledged(honored))) {
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
                out.test(messages.closedResult());
                return;
            }
            for (ObjectNode changed : messages.changes()) {
                if (!out.test(changed)) {
                    return;
                }
            }
        }
    }

}
