package dev.mcpauth.http;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The names this server answers to in the {@code Host} header (port ignored), for {@link HostCheck}. A server bound
 * to loopback answers to the loopback names ({@code localhost} and its subdomains, which RFC 6761 section 6.3 keeps
 * on loopback, {@code 127.0.0.1}, {@code [::1]}) plus the host of its public URL and the operator's
 * {@code --allowed-host} entries: a page on another site that rebinds its own name to 127.0.0.1 still sends its own
 * name, and is refused. Bound to another address with no {@code --allowed-host}, every name is accepted (the operator
 * runs it behind names we cannot know; a reverse proxy in front checks them).
 */
public final class AllowedHosts {

    /** The loopback names, besides {@code *.localhost}. */
    static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> names;
    private final boolean any;

    private AllowedHosts(Set<String> names, boolean any) {
        this.names = Set.copyOf(names);
        this.any = any;
    }

    /**
     * @param bindHost  the address the server listens on
     * @param publicUrl the URL clients reach it at (its host is always allowed)
     * @param configured the {@code --allowed-host} entries: host names or addresses, without port
     */
    public static AllowedHosts forServer(String bindHost, boolean boundToLoopback, URI publicUrl, Collection<String> configured) {
        Set<String> names = new LinkedHashSet<>(LOOPBACK);
        names.add(normalize(publicUrl.getHost()));
        if (!"0.0.0.0".equals(bindHost) && !"::".equals(bindHost)) {
            names.add(normalize(bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost));
        }
        configured.forEach(name -> names.add(normalize(name)));
        return new AllowedHosts(names, !boundToLoopback && configured.isEmpty());
    }

    /** Whether an {@code --allowed-host} entry is a host name (RFC 1123), an IPv4 address or a bracketed IPv6 address: no scheme, port or path. */
    public static boolean isHostName(String entry) {
        return entry.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?|\\[[0-9a-f:.]+\\]");
    }

    /** Whether a {@code Host} header value ({@code host[:port]}) names this server. */
    public boolean allows(String hostHeader) {
        if (any) {
            return true;
        }
        String host = hostOf(hostHeader);
        return host != null && (names.contains(host) || host.endsWith(".localhost"));
    }

    /** The host part of a {@code Host} value, lower case, without port or trailing dot; null when malformed. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String value = hostHeader.strip();
        String host;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                return null;
            }
            host = value.substring(0, end + 1);
        } else {
            int colon = value.lastIndexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
        }
        return host.isEmpty() ? null : normalize(host);
    }

    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    @Override
    public String toString() {
        return any ? "any host" : String.join(", ", names) + ", *.localhost";
    }
}
