package dev.mcpauth.modern;

import dev.mcpauth.mcp.ToolCatalog;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who listens for the {@code list_changed} notifications of tools, prompts and resources (MCP 2026-07-28
 * {@code subscriptions/listen}): every open listen stream, on any transport. A change of any of the three catalogs is
 * passed to each; each decides whether what its caller may see changed. Callbacks only enqueue, so a slow client
 * never holds up whoever changed the catalog.
 */
public final class ListSubscriptions implements AutoCloseable {

    /** One open subscription. Both methods must return at once. */
    public interface Subscriber {
        /** The tools, prompts or resources changed; the subscriber checks whether its caller's view did. */
        void catalogChanged();

        /** The server is shutting down: end the subscription gracefully. */
        void serverClosing();
    }

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final ToolCatalog catalog;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Runnable listener = this::catalogChanged;
    private volatile boolean closed;

    ListSubscriptions(ToolCatalog catalog) {
        this.catalog = catalog;
        catalog.addListener(listener);
        catalog.promptCatalog().addListener(listener);
        catalog.resourceCatalog().addListener(listener);
    }

    /** Adds a subscriber; returns what removes it. A subscriber added after {@link #close()} is told to end at once. */
    public Runnable subscribe(Subscriber subscriber) {
        subscribers.add(subscriber);
        if (closed) {
            subscriber.serverClosing();
        }
        return () -> {
            subscribers.remove(subscriber);
            synchronized (this) {
                notifyAll();
            }
        };
    }

    /** How many subscriptions are open (tests wait on it before changing the catalog). */
    public int count() {
        return subscribers.size();
    }

    private void catalogChanged() {
        subscribers.forEach(Subscriber::catalogChanged);
    }

    /**
     * Tells every subscriber to end, then waits (at most {@code CLOSE_WAIT}) until each has written its last message,
     * so the server's shutdown does not cut the streams before their graceful end reaches the client.
     */
    @Override
    public void close() {
        closed = true;
        catalog.removeListener(listener);
        catalog.promptCatalog().removeListener(listener);
        catalog.resourceCatalog().removeListener(listener);
        subscribers.forEach(Subscriber::serverClosing);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        synchronized (this) {
            while (!subscribers.isEmpty() && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
