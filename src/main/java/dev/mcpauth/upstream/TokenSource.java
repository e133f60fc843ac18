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

    /**
     * As {@link #rejected(int, String)}, knowing the token the refused request carried ({@code sent}, null when not
     * known). Requests in flight together are refused together when a token is revoked; a source that hands out one
     * token at a time overrides this so that only the first refusal replaces it and the others retry with the new one.
     */
    default boolean rejected(int status, String challenge, String sent) {
        return rejected(status, challenge);
    }
}
