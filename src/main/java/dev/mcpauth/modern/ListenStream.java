package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.common.McpTransportContext;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code subscriptions/listen} request, whatever carries it (an SSE response on Streamable HTTP, or stdout shared
 * with everything else on stdio): first {@code notifications/subscriptions/acknowledged}, then a {@code list_changed}
 * whenever the tools, prompts or resources (as subscribed) this caller may see change, each tagged with the
 * subscription id (the listen request's id). It ends silently when the client goes away or cancels, and with the
 * empty listen result when the server closes. Runs on the request's virtual thread, which alone writes for it;
 * catalog callbacks only enqueue.
 */
final class ListenStream implements ListSubscriptions.Subscriber {

    private static final Logger log = LoggerFactory.getLogger(ListenStream.class);

    /** Where the subscription's messages go. */
    interface Output {
        /** Writes one message; false once the client is gone (or the request was cancelled). */
        boolean send(ObjectNode message);

        /** Tells an idle client the stream is alive (an SSE comment); false once the client is gone. */
        boolean keepAlive();
    }

    private enum Event { CATALOG_CHANGED, SERVER_CLOSING, ENDED }

    private final ModernServer server;
    private final McpTransportContext context;
    private final JsonNode subscriptionId;
    private final Set<ListenKind> kinds;
    private final Output out;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    ListenStream(ModernServer server, McpTransportContext context, JsonNode subscriptionId, Set<ListenKind> kinds, Output out) {
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

    /** The client went away or cancelled the listen request: end without another message. */
    void end() {
        events.offer(Event.ENDED);
    }

    /**
     * Acknowledges, then relays changes until the client or the server ends the subscription.
     *
     * @param heartbeat how long the stream may stay silent before a keep-alive; null for none (stdio)
     */
    void run(ObjectNode honored, Duration heartbeat) {
        ListenMessages messages = new ListenMessages(server, context, subscriptionId, kinds);
        Runnable unsubscribe = server.subscriptions().subscribe(this);
        try {
            if (out.send(messages.acknowledged(honored))) {
                loop(messages, heartbeat);
            }
        } catch (UncheckedIOException e) {
            log.debug("listen {} ended: the output is closed", subscriptionId);
        } finally {
            unsubscribe.run();
        }
    }

    private void loop(ListenMessages messages, Duration heartbeat) {
        while (true) {
            Event event;
            try {
                event = heartbeat == null ? events.take() : events.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event == null) {
                if (!out.keepAlive()) {
                    return;
                }
            } else if (event == Event.ENDED) {
                return;
            } else if (event == Event.SERVER_CLOSING) {
                out.send(messages.closedResult());
                return;
            } else {
                for (ObjectNode changed : messages.changes()) {
                    if (!out.send(changed)) {
                        return;
                    }
                }
            }
        }
    }
}
