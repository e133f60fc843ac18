package dev.mcpauth.upstream;

import java.io.IOException;

/** Where the gateway's own bearer token for an HTTP upstream comes from, kept fresh by its owner. */
public interface TokenSource {

    /** A token believed valid now (may block: it can refresh or fetch one). */
    String current() throws IOException, InterruptedException;

    /** The upstream rejected the last token: the next {@link #current()} must not return it again. */
    void invalidate();
}
