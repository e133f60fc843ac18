package dev.mcpauth.authserver;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Locale;

/** How long a fetched document may be reused, from its {@code Cache-Control} (RFC 9111 §5.2.2), within bounds. */
final class CacheLifetime {
    private CacheLifetime() {
    }

    /** {@code no-store}/{@code no-cache}: zero; {@code max-age}: that, at most {@code max}; none: {@code fallback}. */
    static Duration of(HttpHeaders headers, Duration fallback, Duration max) {
        Duration lifetime = fallback;
        for (String value : headers.allValues("Cache-Control")) {
            for (String directive : value.toLowerCase(Locale.ROOT).split(",")) {
                String d = directive.strip();
                if (d.equals("no-store") || d.equals("no-cache")) {
                    return Duration.ZERO;
                }
                if (d.startsWith("max-age=")) {
                    try {
                        lifetime = Duration.ofSeconds(Math.max(0, Long.parseLong(d.substring(8).replace("\"", ""))));
                    } catch (NumberFormatException e) {
                        return Duration.ZERO;
                    }
                }
            }
        }
        return lifetime.compareTo(max) > 0 ? max : lifetime;
    }
}
