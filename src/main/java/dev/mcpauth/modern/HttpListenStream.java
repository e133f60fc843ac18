package dev.mcpauth.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.json.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
    private static final ObjectMapper JSON = Json.shared();
    private static final HttpString X_ACCEL_BUFFERING = HttpString.tryFromString("X-Accel-Buffering");

    private enum Event { CATALOG_CHANGED, SERVER_CLOSING, CLIENT_GONE }

    private final HttpServerExchange exchange;
    private final ModernServer server;
    private final McpTransportContext context;
    private final JsonNode subscriptionId;
    private final Set<ListenKind> kinds;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private OutputStream out;
    private ListenMessages messages;

    HttpListenStream(HttpServerExchange exchange, ModernServer server, McpTransportContext context, JsonNode subscriptionId,
            Set<ListenKind> kinds) {
        this.exchange = exchange;
        this.server = server;
        this.context = context;
        this.subscriptionId = subscriptionId;
        this.kinds = kinds;
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
            open();
            send(messages.acknowledged(honored));
            loop(heartbeat);
        } catch (IOException e) {
            log.debug("listen stream {} ended: {}", subscriptionId, e.toString());
        } finally {
            finish();
            unsubscribe.run();
        }
    }

    private void loop(Duration heartbeat) throws IOException {
        while (true) {
            Event event;
            try {
                event = events.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event == null) {
                write(": keep-alive\n\n");
            } else if (event == Event.CLIENT_GONE) {
                return;
            } else if (event == Event.SERVER_CLOSING) {
                send(messages.closedResult());
                return;
            } else {
                for (ObjectNode changed : messages.changes()) {
                    send(changed);
                }
            }
        }
    }

    private void open() throws IOException {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache, no-store");
        exchange.getResponseHeaders().put(X_ACCEL_BUFFERING, "no");
        out = exchange.getOutputStream();
        out.flush();
    }

    /** One message event; Jackson escapes newlines inside strings, so the JSON is a single data line. */
    private void send(ObjectNode message) throws IOException {
        write("event: message\ndata: " + JSON.writeValueAsString(message) + "\n\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void finish() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            log.debug("listen stream already gone: {}", e.toString());
        } finally {
            exchange.endExchange();
        }
    }
}
