package dev.mcpauth.http;

import java.time.Duration;

/**
 * What one client may hold of the listener before any request is read: how long it may take to send a request's
 * headers, and how many connections are open at once, in all and from one address. A connection costs a file
 * descriptor before it has said anything, so these limits are the only defence against clients that never finish.
 *
 * @param headerTimeout            a connection that has not sent a complete request head this long after its first
 *                                 byte (or after the previous response) is closed
 * @param maxConnections           connections open at once; a new one beyond is closed at accept
 * @param maxConnectionsPerAddress connections open at once from one client address (0: no per-address cap, for a
 *                                 gateway behind a reverse proxy, where every client has the proxy's address)
 * @param bodyTimeout              a request whose body has not arrived whole this long after its head is cut off
 */
public record ConnectionLimits(Duration headerTimeout, int maxConnections, int maxConnectionsPerAddress, Duration bodyTimeout) {

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Well under a typical descriptor limit (1024 soft, often raised to 20 000 or more by the JVM). */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    /** Room for a client with a few sessions and their streams, and for a small office behind one NAT address. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
    /** A 4 MB body at about 150 kB/s: generous for a real client on a slow link, short for a slow-POST attacker. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final ConnectionLimits DEFAULTS =
            new ConnectionLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);

    public ConnectionLimits {
        if (headerTimeout == null || headerTimeout.toMillis() < 1 || maxConnections < 1 || maxConnectionsPerAddress < 0
                || bodyTimeout == null || bodyTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("connection limits must be positive: " + headerTimeout + ", " + maxConnections
                    + ", " + maxConnectionsPerAddress + ", " + bodyTimeout);
        }
    }

    /** With the default body timeout. */
    public ConnectionLimits(Duration headerTimeout, int maxConnections, int maxConnectionsPerAddress) {
        this(headerTimeout, maxConnections, maxConnectionsPerAddress, DEFAULT_BODY_TIMEOUT);
    }
}
