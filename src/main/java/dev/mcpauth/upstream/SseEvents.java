package dev.mcpauth.upstream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The {@code data} of each event of a {@code text/event-stream} body (WHATWG HTML, "Server-sent events", 9.2.6):
 * {@code data:} lines joined by newlines, dispatched at a blank line; comments, {@code id}, {@code event} and
 * {@code retry} fields change nothing a JSON-RPC reader needs. One event is bounded, so an upstream cannot make the
 * gateway buffer without end.
 */
final class SseEvents {

    private SseEvents() {
    }

    /** Reads events until the stream ends, handing each complete event's data to {@code onData}. */
    static void read(InputStream body, int maxEventChars, Consumer<String> onData) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    onData.accept(data.toString());
                    data = null;
                }
                continue;
            }
            if (!line.startsWith("data")) {
                continue;
            }
            String value;
            if (line.equals("data")) {
                value = "";
            } else if (line.charAt(4) == ':') {
                value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
            } else {
                continue;
            }
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
            if (data.length() > maxEventChars) {
                throw new IOException("an event of the upstream's stream is longer than " + maxEventChars + " characters");
            }
        }
        // An event the stream ended in the middle of is discarded (9.2.6: "once the end of the file is reached").
    }
}
