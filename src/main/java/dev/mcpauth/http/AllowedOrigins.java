package dev.mcpauth.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The browser origins ({@code scheme://host[:port]}, RFC 6454) allowed to call the gateway. An entry is an exact
 * origin, or an origin whose port is {@code *} (any port, for local tools on ephemeral ports).
 * Used by {@link OriginCheck} (DNS-rebinding defence) and {@link CorsHandler}.
 */
public final class AllowedOrigins {

    /** The loopback origins a local browser client uses, on any port. */
    public static final List<String> LOOPBACK = List.of("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*");

    private record Entry(String scheme, String host, int port) {
        boolean matches(Entry origin) {
            return scheme.equals(origin.scheme) && host.equals(origin.host) && (port == ANY_PORT || port == origin.port);
        }
    }

    private static final int ANY_PORT = -2;
    private final List<Entry> entries;
    private final List<String> configured;

    private AllowedOrigins(List<Entry> entries, List<String> configured) {
        this.entries = List.copyOf(entries);
        this.configured = List.copyOf(configured);
    }

    /** From configured entries; a malformed entry is refused with a message naming it. */
    public static AllowedOrigins of(Collection<String> origins) {
        List<Entry> entries = new ArrayList<>();
        for (String origin : origins) {
            Entry entry = parse(origin, true);
            if (entry == null) {
                throw new IllegalArgumentException("allowed origin '" + origin
                        + "' is not an origin: expected scheme://host[:port] (port may be *), no path");
            }
            entries.add(entry);
        }
        return new AllowedOrigins(entries, List.copyOf(origins));
    }

    /**
     * The default: the server's own public origin, and, when it is bound to loopback, the loopback origins on any
     * port (MCP transports, "Security Warning": local servers face DNS rebinding from remote pages).
     */
    public static AllowedOrigins defaults(URI publicUrl, boolean boundToLoopback) {
        List<String> origins = new ArrayList<>();
        origins.add(publicUrl.getScheme() + "://" + publicUrl.getRawAuthority());
        if (boundToLoopback) {
            origins.addAll(LOOPBACK);
        }
        return of(origins);
    }

    /** This list plus more entries. */
    public AllowedOrigins plus(Collection<String> more) {
        List<String> all = new ArrayList<>(configured);
        all.addAll(more);
        return of(all);
    }

    public boolean allows(String origin) {
        if (origin == null) {
            return false;
        }
        Entry parsed = parse(origin, false);
        return parsed != null && entries.stream().anyMatch(e -> e.matches(parsed));
    }

    public List<String> entries() {
        return configured;
    }

    /** Parses {@code scheme://host[:port]} with default ports made explicit; null when it is not an origin. */
    private static Entry parse(String origin, boolean allowWildcardPort) {
        String value = origin.strip();
        boolean anyPort = allowWildcardPort && value.endsWith(":*");
        if (anyPort) {
            value = value.substring(0, value.length() - 2);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        boolean bare = uri.getScheme() != null && uri.getHost() != null && uri.getRawUserInfo() == null
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null && uri.getRawFragment() == null;
        if (!bare || (anyPort && uri.getPort() != -1)) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = anyPort ? ANY_PORT : (uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme));
        return new Entry(scheme, uri.getHost().toLowerCase(Locale.ROOT), port);
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    @Override
    public String toString() {
        return String.join(", ", configured);
    }
}
