package dev.mcpauth.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * Sits between the accepting socket and Undertow's HTTP listener and counts open connections, in all and per client
 * address. A connection over either cap is closed as soon as it is accepted, before a byte of it is read, so a
 * client that opens sockets and never finishes a request can hold at most its share of file descriptors and
 * everyone else still gets in (including the load balancer's {@code /health}).
 */
final class ConnectionCap implements ChannelListener<StreamConnection> {

    private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);

    private final ChannelListener<StreamConnection> next;
    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionCap(ConnectionLimits limits, ChannelListener<StreamConnection> next) {
        this.next = Objects.requireNonNull(next);
        this.maxConnections = limits.maxConnections();
        this.maxPerAddress = limits.maxConnectionsPerAddress();
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        InetAddress address = connection.getPeerAddress() instanceof InetSocketAddress peer ? peer.getAddress() : null;
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refuse(connection, "the server has its maximum of " + maxConnections + " connections open");
            return;
        }
        if (address != null && maxPerAddress > 0 && !admit(address)) {
            open.decrementAndGet();
            refuse(connection, address.getHostAddress() + " has its maximum of " + maxPerAddress + " connections open");
            return;
        }
        next.handleEvent(connection);
        // Undertow has set its own close listener by now; ours runs first, once, then hands on to it.
        ChannelListener<? super StreamConnection> undertows = connection.getCloseListener();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
                if (address != null && maxPerAddress > 0) {
                    release(address);
                }
            }
        };
        connection.setCloseListener(closed -> {
            release.run();
            if (undertows != null) {
                undertows.handleEvent(closed);
            }
        });
        if (!connection.isOpen()) {
            release.run();
        }
    }

    /** Counts one more connection from {@code address} if it is under its cap. */
    private boolean admit(InetAddress address) {
        boolean[] admitted = {false};
        perAddress.compute(address, (a, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < maxPerAddress) {
                c.incrementAndGet();
                admitted[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        return admitted[0];
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /** Closed without a response: the connection has sent nothing yet, and writing to it could block the IO thread. */
    private static void refuse(StreamConnection connection, String why) {
        log.debug("refused a connection from {}: {}", connection.getPeerAddress(), why);
        IoUtils.safeClose(connection);
    }

    int openConnections() {
        return open.get();
    }
}
