package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.common.McpTransportContext;
import dev.mcpauth.http.SseResponse;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code subscriptions/listen} request on Streamable HTTP: its response is an SSE stream that stays open
 * (streamable-http, "Receiving Messages"). First {@code notifications/subscriptions/acknowledged}, then
 * a {@code list_changed} whenever the tools, prompts or resources (as subscribed) this caller may see change, each tagged with the
 * subscription id (the listen request's id). It ends when the client goes away (closing the stream cancels it), or,
 * on shutdown, with the empty listen result. Runs on the request's virtual thread, which alone writes the response.
 */
final class HttpListenStream implements ListSubscriptions.Subscriber {

    private static final Logger log = LoggerFactory.getLogger(HttpListenStream.class);

    private enum Event { CATALOG_CHANGED, SERVER_CLOSING, CLIENT_GONE }

    private final HttpServerExchange exchange;
    private final ModernServer server;
    private final McpTransportContext context;
    private final JsonNode subscriptionId;
    private final Set<ListenKind> kinds;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final SseResponse sse;
    private ListenMessages messages;

    HttpListenStream(HttpServerExchange exchange, ModernServer server, McpTransportContext context, JsonNode subscriptionId,
            Set<ListenKind> kinds) {
        this.exchange = exchange;
        this.server = server;
        this.context = context;
        this.subscriptionId = subscriptionId;
        this.kinds = kinds;
        this.sse = new SseResponse(exchange);
    }

    @Override
    public void catalogChanged() {
        events.offer(Event.CATALOG_CHANGED);
    }

    @Override
    public void serverClosing() {
        events.offer(Event.SERVER_CLOSING);
    }

    /** Acknowledges, then streams until the client or the server ends the subscription. */
    void run(ObjectNode honored, Duration heartbeat) {
        exchange.getConnection().addCloseListener(connection -> events.offer(Event.CLIENT_GONE));
        messages = new ListenMessages(server, context, subscriptionId, kinds);
        Runnable unsubscribe = server.subscriptions().subscribe(this);
        try {
            sse.open();
            if (sse.send(messages.acknowledged(honored))) {
                loop(heartbeat);
            }
        } catch (IOException e) {
            log.debug("listen stream {} could not start: {}", subscriptionId, e.toString());
        } finally {
            sse.finish();
            unsubscribe.run();
        }
    }

    /** Streams until the client goes away (a write fails) or the server closes. */
    private void loop(Duration heartbeat) {
        while (true) {
            Event event;
            try {
                event = events.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event == null) {
                if (!sse.keepAlive()) {
                    return;
                }
            } else if (event == Event.CLIENT_GONE) {
                return;
            } else if (event == Event.SERVER_CLOSING) {
                sse.send(messages.closedResult());
                return;
            } else {
                for (ObjectNode changed : messages.changes()) {
                    if (!sse.send(changed)) {
                        return;
                    }
                }
            }
        }
    }
}
