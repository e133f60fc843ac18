package dev.mcpauth.cli;

import java.net.URI;

/** Opens a URL in the user's browser when there is one; the caller prints the URL anyway. */
final class Browsers {

    private Browsers() {
    }

    static void open(URI url) {
        for (String opener : new String[] {"xdg-open", "open"}) {
            try {
                new ProcessBuilder(opener, url.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return;
            } catch (java.io.IOException ignored) {
                // try the next opener
            }
        }
    }
}
