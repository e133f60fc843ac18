package dev.mcpauth.upstream;

import dev.mcpauth.mcp.ToolCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every upstream of the gateway: started together with it, stopped together, reported by {@code /health}. */
public final class Upstreams implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);
    /** How long {@link #startAll} waits for the first connection of each upstream (they keep retrying afterwards). */
    public static final Duration DEFAULT_STARTUP_WAIT = Duration.ofSeconds(30);

    private final List<UpstreamSpec> specs;
    private final Backoff backoff;
    private final Duration startupWait;
    private final List<UpstreamConnection> connections = new ArrayList<>();

    public Upstreams(List<UpstreamSpec> specs) {
        this(specs, Backoff.DEFAULT, DEFAULT_STARTUP_WAIT);
    }

    public Upstreams(List<UpstreamSpec> specs, Backoff backoff, Duration startupWait) {
        Set<String> names = new HashSet<>();
        for (UpstreamSpec spec : specs) {
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("two upstreams are named '" + spec.name() + "': names must be unique");
            }
        }
        this.specs = List.copyOf(specs);
        this.backoff = backoff;
        this.startupWait = startupWait;
    }

    /**
     * Starts every upstream in parallel and waits (up to the startup wait) until each has connected or failed once,
     * so that the first {@code tools/list} already shows the upstreams' tools. One that failed keeps retrying.
     */
    public synchronized void startAll(ToolCatalog catalog) throws InterruptedException {
        if (!connections.isEmpty()) {
            throw new IllegalStateException("upstreams were already started");
        }
        for (UpstreamSpec spec : specs) {
            UpstreamConnection connection = new UpstreamConnection(spec, catalog, backoff);
            connections.add(connection);
            connection.start();
        }
        for (UpstreamConnection connection : connections) {
            if (!connection.awaitFirstAttempt(startupWait)) {
                log.warn("upstream {} is not up yet ({}); it keeps retrying in the background",
                        connection.name(), connection.lastProblem().orElse("still starting"));
            }
        }
    }

    /** Stops every upstream in parallel: clients closed, child process trees ended, tools removed. */
    public synchronized void stopAll() {
        CountDownLatch done = new CountDownLatch(connections.size());
        for (UpstreamConnection connection : connections) {
            Thread.ofVirtual().name("upstream-" + connection.name() + "-stop").start(() -> {
                try {
                    connection.stop();
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopAll();
    }

    /** Each upstream's status by name, in configuration order (for {@code /health}). */
    public synchronized Map<String, UpstreamStatus> statusMap() {
        Map<String, UpstreamStatus> statuses = new LinkedHashMap<>();
        specs.forEach(spec -> statuses.put(spec.name(), UpstreamStatus.DOWN));
        connections.forEach(c -> statuses.put(c.name(), c.status()));
        return statuses;
    }

    public synchronized List<UpstreamConnection> connections() {
        return List.copyOf(connections);
    }

    public List<UpstreamSpec> specs() {
        return specs;
    }
}
