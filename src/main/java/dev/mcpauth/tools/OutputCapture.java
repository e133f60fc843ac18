package dev.mcpauth.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Drains one output stream of a child process on its own daemon platform thread (a blocking pipe read would pin a
 * virtual thread to its carrier), keeping at most {@code cap} bytes but
 * reading to the end, so a chatty child never blocks on a full pipe while we wait for the other stream.
 */
final class OutputCapture {

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int cap;
    private long total;
    private final Thread reader;

    private OutputCapture(InputStream in, int cap, String name) {
        this.cap = cap;
        this.reader = Thread.ofPlatform().daemon().name(name).start(() -> drain(in));
    }

    static OutputCapture start(InputStream in, int cap, String name) {
        return new OutputCapture(in, cap, name);
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // the stream was closed under us (process destroyed): what we have is the output
        }
    }

    private synchronized void append(byte[] buffer, int n) {
        int room = cap - kept.size();
        if (room > 0) {
            kept.write(buffer, 0, Math.min(room, n));
        }
        total += n;
    }

    /** Waits for the end of the stream; false if a process that outlived the child still holds it open. */
    boolean awaitEnd(Duration grace) throws InterruptedException {
        return reader.join(grace);
    }

    /** The kept bytes as UTF-8 (a character cut by the cap becomes U+FFFD). */
    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    synchronized boolean truncated() {
        return total > kept.size();
    }

    synchronized long totalBytes() {
        return total;
    }
}
