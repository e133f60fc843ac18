package dev.mcpauth.authserver;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a shared authorization-server state lives: a {@code jdbc:postgresql://} URL and the credentials, given apart
 * from the URL so that the URL can be logged and shown in {@code --help} output without the password.
 */
public record StateDatabaseUrl(String url, String user, String password) {
    public StateDatabaseUrl {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--state-db must be a jdbc:postgresql://HOST[:PORT]/DATABASE URL (for an embedded database use --state-dir)");
        }
        // The URL is printed at start and may sit in shell history and process lists: a password never belongs in it.
        if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            throw new IllegalArgumentException("--state-db must not carry a password; give it in the file named by --state-db-password-file");
        }
    }

    /** Never the password. */
    @Override
    public String toString() {
        return url + (user == null ? "" : " as " + user);
    }
}
