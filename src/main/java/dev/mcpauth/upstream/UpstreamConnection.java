package dev.mcpauth.upstream;

import dev.mcpauth.metrics.Metrics;
import dev.mcpauth.mcp.ToolCatalog;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one upstream MCP server connected and its tools, prompts and resources in the {@link ToolCatalog} (source
 * {@code upstream:<name>}; naming and policy names: {@link UpstreamPublisher}).
 * <p>
 * A supervisor (a virtual thread, so it never holds the JVM open) connects, publishes the tools, waits for the
 * connection to be lost (child exit, HTTP failure), and reconnects with exponential {@link Backoff}, publishing the
 * tools again. While it reconnects the tools stay listed and calls get an {@code isError} result saying the upstream
 * is restarting (reads and prompts a JSON-RPC error saying so): clients keep a stable list (no list_changed churn on
 * every blip) and get an error they can retry, instead of a tool that vanishes mid-conversation. {@link #stop()}
 * removes everything.
 */
public final class UpstreamConnection {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final UpstreamSpec spec;
    private final ToolCatalog catalog;
    private final Backoff backoff;
    private final Clock clock = Clock.systemUTC();
    /**
     * Every HTTP exchange with this upstream, of every session. java.net.http's default executor hands every step of an
     * exchange to a pooled thread through a SynchronousQueue: a futex wake and a park a step, 27% of the gateway's CPU
     * on bench row 7. Nothing run on it blocks (the SDK transport is reactive and fetches tokens on boundedElastic,
     * RelayPeer completes futures, ModernPost and the token sources wait on their own threads), so each step runs
     * where it was triggered instead.
     */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(Runnable::run).build();
    private final UpstreamCalls calls;
    private final CallerSessions callerSessions;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final UpstreamPublisher publisher;
    private final BoundSessions bound;
    private volatile UpstreamStatus status = UpstreamStatus.DOWN;
    private volatile UpstreamSession current;
    private volatile String lastProblem;
    private boolean stopping;
    private Thread supervisor;

    public UpstreamConnection(UpstreamSpec spec, ToolCatalog catalog) {
        this(spec, catalog, Backoff.DEFAULT);
    }

    public UpstreamConnection(UpstreamSpec spec, ToolCatalog catalog, Backoff backoff) {
        this.spec = spec;
        this.catalog = catalog;
        this.backoff = backoff;
        // On a caller's behalf, tool calls go on the caller's own connection; everything else on the shared one.
        this.callerSessions = spec.credentials() instanceof UpstreamCredentials.OnBehalfOf onBehalf
                ? new CallerSessions(spec, onBehalf, http, clock) : null;
        this.calls = new UpstreamCalls(spec, caller -> callerSessions != null && caller != null && current != null
                ? callerSessions.session(caller) : current, this::whyUnavailable);
        this.bound = new BoundSessions(spec, http, clock);
        this.publisher = new UpstreamPublisher(spec, catalog, calls, bound, log);
    }

    /** Starts connecting in the background (for stdio: starts the child). Returns at once; see {@link #awaitFirstAttempt}. */
    public synchronized void start() {
        if (supervisor != null) {
            throw new IllegalStateException("upstream " + spec.name() + " was already started");
        }
        status = UpstreamStatus.STARTING;
        catalog.addRelay(bound);
        supervisor = Thread.ofVirtual().name("upstream-" + spec.name() + "-supervisor").start(this::supervise);
    }

    /** Waits until the first connection attempt succeeded or failed; true when the upstream is up. */
    public boolean awaitFirstAttempt(Duration timeout) throws InterruptedException {
        firstAttempt.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return status == UpstreamStatus.UP;
    }

    /** Closes the connection, ends the child process tree, removes the tools, prompts and resources; no retry follows. Idempotent. */
    public void stop() {
        UpstreamSession session;
        Thread running;
        synchronized (this) {
            stopping = true;
            session = current;
            running = supervisor;
        }
        stopSignal.countDown();
        if (session != null) {
            session.close();
        }
        if (running != null) {
            join(running);
        }
        synchronized (this) {
            publisher.clear();
        }
        catalog.removeRelay(bound);
        bound.stop();
        if (callerSessions != null) {
            callerSessions.close();
        }
        http.shutdownNow();
        status = UpstreamStatus.DOWN;
    }

    public String name() {
        return spec.name();
    }

    public UpstreamSpec spec() {
        return spec;
    }

    public UpstreamStatus status() {
        return status;
    }

    /** Why the upstream was last lost or could not connect (for {@code /health}); empty if it never failed. */
    public Optional<String> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }

    /** The exposed names of the tools currently published for this upstream. */
    public synchronized Set<String> toolNames() {
        return publisher.toolNames();
    }

    /** The child's process id while a stdio upstream runs, else -1 (diagnostics). */
    long pid() {
        UpstreamSession session = current;
        return session == null ? -1 : session.pid();
    }

    private void supervise() {
        Duration delay = backoff.initial();
        while (!isStopping()) {
            UpstreamSession session = UpstreamSession.create(spec, http, clock, new UpstreamSession.Listener() {
                @Override
                public void toolsChanged(UpstreamSession from, List<Tool> tools) {
                    publish(from, tools);
                }

                @Override
                public void offersChanged(UpstreamSession from, UpstreamSession.Offers offers) {
                    publish(from, offers);
                }
            });
            if (!setCurrent(session)) {
                session.close();
                break;
            }
            Instant upSince = null;
            try {
                session.initialize();
                upSince = clock.instant();
                publish(session, session.tools());
                publish(session, session.offers());
                status = UpstreamStatus.UP;
                Metrics.upstreamUp(spec.name(), true);
                log.info("upstream {} is up with {} tools, {} prompts, {} resources and {} resource templates", spec.name(), session.tools().size(),
                        session.offers().prompts().size(), session.offers().resources().size(), session.offers().templates().size());
                firstAttempt.countDown();
                lastProblem = session.lost().join();
                status = UpstreamStatus.RESTARTING;
            } catch (RuntimeException e) {
                lastProblem = "upstream " + spec.name() + " could not connect: " + describe(e);
                status = UpstreamStatus.RESTARTING;
            } finally {
                firstAttempt.countDown();
                setCurrent(null);
                session.close();
            }
            if (isStopping()) {
                break;
            }
            if (upSince != null && Duration.between(upSince, clock.instant()).compareTo(backoff.stableAfter()) >= 0) {
                delay = backoff.initial();
            }
            log.warn("{}; reconnecting in {} ms", lastProblem, delay.toMillis());
            Metrics.upstreamRestart(spec.name());
            if (!pause(delay)) {
                break;
            }
            delay = backoff.next(delay);
        }
        status = UpstreamStatus.DOWN;
        Metrics.upstreamUp(spec.name(), false);
    }

    /** Publishes {@code tools} if they come from the live session (a late notification from an old one is ignored). */
    private synchronized void publish(UpstreamSession from, List<Tool> tools) {
        if (from == current && !stopping) {
            publisher.tools(tools);
        }
    }

    /** Publishes prompts and resources if they come from the live session. */
    private synchronized void publish(UpstreamSession from, UpstreamSession.Offers offers) {
        if (from == current && !stopping) {
            publisher.offers(offers);
        }
    }

    private String whyUnavailable() {
        return switch (status) {
            case STARTING -> "upstream " + spec.name() + " is starting; try again shortly";
            case DOWN -> "upstream " + spec.name() + " is stopped";
            default -> "upstream " + spec.name() + " is restarting (" + Optional.ofNullable(lastProblem).orElse("connection lost") + "); try again shortly";
        };
    }

    private synchronized boolean setCurrent(UpstreamSession session) {
        if (session != null && stopping) {
            return false;
        }
        current = session;
        return true;
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    /** Sleeps for {@code delay}; false if stopped meanwhile. */
    private boolean pause(Duration delay) {
        try {
            return !stopSignal.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void join(Thread running) {
        try {
            if (!running.join(STOP_WAIT)) {
                running.interrupt();
                running.join(STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Our own message if the chain has one (it names the upstream and the step), else the failure in plain words. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith("upstream ")) {
                return t.getMessage();
            }
        }
        return dev.mcpauth.http.Failures.describe(e);
    }
}
