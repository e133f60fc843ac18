package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.json.Json;
import dev.mcpauth.trace.TraceParent;

/**
 * The {@code traceparent} header of a message sent to an HTTP upstream: its {@code params._meta.traceparent}, where
 * the relay put the trace context (CallTrace), so that an upstream reading either finds the same parent.
 */
final class TraceHeader {

    private TraceHeader() {
    }

    /** The message's {@code params._meta.traceparent} when it is a valid W3C traceparent, else null. */
    static String of(String body) {
        // Cheap test first: most messages (and every one without tracing) carry no trace context.
        if (body == null || !body.contains("\"traceparent\"")) {
            return null;
        }
        try {
            return of(Json.shared().readTree(body));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The same for a message already parsed (no second parse of what the caller holds as a tree). */
    static String of(JsonNode message) {
        JsonNode value = message.path("params").path("_meta").path("traceparent");
        return value.isTextual() ? TraceParent.parse(value.asText()).map(TraceParent::format).orElse(null) : null;
    }
}
