package dev.mcpauth.upstream;

import java.io.IOException;

/** Where the gateway's own bearer token for an HTTP upstream comes from, kept fresh by its owner. */
public interface TokenSource {

    /** A token believed valid now (may block: it can refresh or fetch one). */
    String current() throws IOException, InterruptedException;

    /** The upstream rejected the last token: the next {@link #current()} must not return it again. */
    void invalidate();

    /**
     * The upstream answered {@code status} (401 or 403) with this {@code WWW-Authenticate} challenge; returns whether
     * to retry the request with the next {@link #current()}. By default: forget the token and retry.
     */
    default boolean rejected(int status, String challenge) {
        invalidate();
        return true;
    }
}
