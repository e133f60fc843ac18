package dev.mcpauth.upstream;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code tools/call} on an upstream within its limits: at most {@code maxConcurrentCalls} at once, and one deadline
 * ({@code callTimeout}) covering the wait for a free slot and the call. Every failure is an {@code isError} result
 * naming the upstream and what to do, never an exception: the MCP client sees a tool error it can act on.
 */
final class UpstreamCalls {

    private static final Logger log = LoggerFactory.getLogger(UpstreamCalls.class);

    private final UpstreamSpec spec;
    private final Semaphore slots;
    private final Supplier<UpstreamSession> current;
    private final Supplier<String> whyUnavailable;

    /**
     * @param current        the live session, or null while (re)connecting
     * @param whyUnavailable why there is no live session (shown to the caller)
     */
    UpstreamCalls(UpstreamSpec spec, Supplier<UpstreamSession> current, Supplier<String> whyUnavailable) {
        this.spec = spec;
        this.slots = new Semaphore(spec.maxConcurrentCalls(), true);
        this.current = current;
        this.whyUnavailable = whyUnavailable;
    }

    /** Calls the upstream's own tool {@code tool} (its unprefixed name) with the caller's arguments. */
    CallToolResult call(String tool, Map<String, Object> arguments) {
        long deadline = System.nanoTime() + spec.callTimeout().toNanos();
        try {
            if (!slots.tryAcquire(spec.callTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                return error("upstream " + spec.name() + " is busy: " + spec.maxConcurrentCalls() + " calls are already running and none finished within "
                        + seconds(spec.callTimeout()) + "; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("call to upstream " + spec.name() + " was interrupted");
        }
        UpstreamSession session = current.get();
        if (session == null || session.lost().isDone()) {
            slots.release();
            return error(whyUnavailable.get());
        }
        CompletableFuture<CallToolResult> call = session.callTool(tool, arguments);
        // The slot is held until the upstream is done with the call (answer, SDK backstop timeout, or connection lost),
        // not merely until this caller gives up: the limit protects the upstream, which keeps working after a timeout.
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
        call.whenComplete((r, e) -> release.run());
        session.lost().whenComplete((r, e) -> release.run());
        return await(tool, call, session, deadline);
    }

    private CallToolResult await(String tool, CompletableFuture<CallToolResult> call, UpstreamSession session, long deadline) {
        // Whichever comes first: the answer, or the end of the connection (e.g. the child exited) - never a hang.
        CompletableFuture<Object> answerOrLoss = CompletableFuture.anyOf(call, session.lost());
        try {
            Object outcome = answerOrLoss.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (outcome instanceof CallToolResult result) {
                return result;
            }
            return error(outcome + " while tool '" + tool + "' was running; the gateway is restarting it, try again shortly");
        } catch (TimeoutException e) {
            return error("upstream " + spec.name() + " did not answer tool '" + tool + "' within " + seconds(spec.callTimeout()) + " (the per-call timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("call to upstream " + spec.name() + " was interrupted");
        } catch (ExecutionException e) {
            return failed(tool, e.getCause());
        }
    }

    private CallToolResult failed(String tool, Throwable cause) {
        if (cause instanceof McpError mcpError) {
            // The upstream answered with a JSON-RPC error (e.g. unknown tool, invalid arguments): pass its message on.
            return error("upstream " + spec.name() + " refused tool '" + tool + "': " + mcpError.getMessage());
        }
        log.warn("upstream {}: tool '{}' failed: {}", spec.name(), tool, cause.toString());
        return error("upstream " + spec.name() + " could not be reached for tool '" + tool + "'; the gateway is reconnecting, try again shortly");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
