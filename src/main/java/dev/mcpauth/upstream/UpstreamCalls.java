package dev.mcpauth.upstream;

import dev.mcpauth.token.AccessToken;
import dev.mcpauth.trace.CallTrace;
import dev.mcpauth.trace.TraceParent;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs requests on an upstream within its limits: at most {@code maxConcurrentCalls} at once ({@code tools/call},
 * {@code resources/read} and {@code prompts/get} share them), and one deadline ({@code callTimeout}) covering the wait
 * for a free slot and the request. Every failure names the upstream and what to do: for a tool an {@code isError}
 * result the model can act on, for a read or a prompt a JSON-RPC error (those results have no error form).
 */
final class UpstreamCalls {

    private static final Logger log = LoggerFactory.getLogger(UpstreamCalls.class);

    /** How a kind of request reports a failure: as a result or by throwing. */
    private interface Failure<T> {
        /** The gateway could not get an answer (busy, down, timeout, connection lost). */
        T unavailable(String message);

        /** The upstream answered with a JSON-RPC error. */
        T refused(McpError error, String message);
    }

    private static final Failure<CallToolResult> TOOL = new Failure<>() {
        public CallToolResult unavailable(String message) {
            return error(message);
        }

        public CallToolResult refused(McpError error, String message) {
            return error(message);
        }
    };

    private final UpstreamSpec spec;
    private final Semaphore slots;
    private final SessionSource sessions;
    private final Supplier<String> whyUnavailable;

    /** The session a request goes on: the shared one, or (on a caller's behalf) the caller's own. */
    @FunctionalInterface
    interface SessionSource {
        /**
         * @param caller whoever asks, or null for requests that carry no caller (prompts, resources)
         * @return the live session, or null while (re)connecting
         * @throws java.io.IOException saying why the caller cannot have one (shown to the caller)
         */
        UpstreamSession session(AccessToken caller) throws java.io.IOException;
    }

    /**
     * @param sessions       where each request goes
     * @param whyUnavailable why there is no live session (shown to the caller)
     */
    UpstreamCalls(UpstreamSpec spec, SessionSource sessions, Supplier<String> whyUnavailable) {
        this.spec = spec;
        this.slots = new Semaphore(spec.maxConcurrentCalls(), true);
        this.sessions = sessions;
        this.whyUnavailable = whyUnavailable;
    }

    /** Calls the upstream's own tool {@code tool} (its unprefixed name) with the caller's arguments, as or for the caller. */
    CallToolResult call(AccessToken caller, String tool, Map<String, Object> arguments) {
        return call(caller, tool, arguments, null);
    }

    /** As {@link #call(AccessToken, String, Map)}, with the request's {@code _meta} (its trace context), or null. */
    CallToolResult call(AccessToken caller, String tool, Map<String, Object> arguments, Map<String, Object> meta) {
        return run(caller, "tool '" + tool + "'", session -> session.callTool(tool, arguments, meta), TOOL);
    }

    /** The upstream's name (for spans and logs). */
    String upstream() {
        return spec.name();
    }

    /** Reads the upstream's resource {@code uri} with the request's {@code _meta} (its trace context, may be empty); failures are thrown as JSON-RPC errors. */
    McpSchema.ReadResourceResult read(String uri, Map<String, Object> meta) {
        return run(null, "resource '" + uri + "'", session -> session.readResource(uri, meta), thrown());
    }

    /** Gets the upstream's own prompt {@code prompt} (its unprefixed name); failures are thrown as JSON-RPC errors. */
    McpSchema.GetPromptResult getPrompt(String prompt, Map<String, Object> arguments, Map<String, Object> meta) {
        return run(null, "prompt '" + prompt + "'", session -> session.getPrompt(prompt, arguments, meta), thrown());
    }

    /** The shared connection serves every caller: of the caller's {@code _meta} only the trace context goes along. */
    static Map<String, Object> sharedMeta(Map<String, Object> meta) {
        String traceparent = meta.get(CallTrace.TRACEPARENT) instanceof String t ? TraceParent.parse(t).map(TraceParent::format).orElse(null) : null;
        return traceparent == null ? Map.of() : Map.of(CallTrace.TRACEPARENT, traceparent);
    }

    /** The upstream refused the credential a request carried: its status and challenge, for the caller to act on. */
    static String refusedCredential(String upstream, String refusal) {
        return "upstream " + upstream + " refused the credential the gateway presented for this call (" + refusal
                + "); the upstream decides what this caller may do there";
    }

    private <T> T run(AccessToken caller, String what, Function<UpstreamSession, CompletableFuture<T>> send, Failure<T> failure) {
        long deadline = System.nanoTime() + spec.callTimeout().toNanos();
        try {
            if (!slots.tryAcquire(spec.callTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                return failure.unavailable("upstream " + spec.name() + " is busy: " + spec.maxConcurrentCalls()
                        + " calls are already running and none finished within " + seconds(spec.callTimeout()) + "; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure.unavailable("call to upstream " + spec.name() + " was interrupted");
        }
        UpstreamSession session;
        try {
            session = sessions.session(caller);
        } catch (java.io.IOException e) {
            slots.release();
            return failure.unavailable(e.getMessage());
        }
        if (session == null || session.lost().isDone()) {
            slots.release();
            return failure.unavailable(whyUnavailable.get());
        }
        CompletableFuture<T> call = send.apply(session);
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
        return await(what, call, session, deadline, failure);
    }

    private <T> T await(String what, CompletableFuture<T> call, UpstreamSession session, long deadline, Failure<T> failure) {
        // Whichever comes first: the answer, or the end of the connection (e.g. the child exited) - never a hang.
        CompletableFuture<Object> answerOrLoss = CompletableFuture.anyOf(call, session.lost());
        try {
            answerOrLoss.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (call.isDone()) {
                return call.get();
            }
            return lostWhile(what, session, failure);
        } catch (TimeoutException e) {
            return failure.unavailable("upstream " + spec.name() + " did not answer " + what + " within " + seconds(spec.callTimeout())
                    + " (the per-call timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure.unavailable("call to upstream " + spec.name() + " was interrupted");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof McpError) && session.refusal().isPresent()) {
                // 401/403 (RFC 6750 section 3): relay the upstream's challenge rather than call it a lost connection.
                return failure.unavailable(refusedCredential(spec.name(), session.refusal().get()));
            }
            if (!(e.getCause() instanceof McpError) && lossWithin(session, deadline)) {
                // The connection broke under the call: say why (a child's exit code) rather than a bare transport error.
                return lostWhile(what, session, failure);
            }
            return failed(what, e.getCause(), failure);
        }
    }

    private static <T> T lostWhile(String what, UpstreamSession session, Failure<T> failure) {
        return failure.unavailable(session.lost().getNow("connection lost") + " while " + what
                + " was running; the gateway is restarting it, try again shortly");
    }

    /**
     * Whether the session is lost, or is marked lost soon: a transport failure marks it at once (HTTP) or once the
     * child's exit is reported (stdio, within {@link UpstreamSession#EXIT_REPORT_WAIT}). Never waits past the deadline.
     */
    private static boolean lossWithin(UpstreamSession session, long deadline) {
        long wait = Math.min(deadline - System.nanoTime(), UpstreamSession.EXIT_REPORT_WAIT.plusMillis(500).toNanos());
        try {
            session.lost().get(Math.max(0, wait), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private <T> T failed(String what, Throwable cause, Failure<T> failure) {
        if (cause instanceof McpError mcpError) {
            // The upstream answered with a JSON-RPC error (e.g. unknown tool, invalid arguments): pass its message on.
            return failure.refused(mcpError, "upstream " + spec.name() + " refused " + what + ": " + mcpError.getMessage());
        }
        log.warn("upstream {}: {} failed: {}", spec.name(), what, cause.toString());
        return failure.unavailable("upstream " + spec.name() + " could not be reached for " + what + "; the gateway is reconnecting, try again shortly");
    }

    /** For requests whose result has no error form: every failure is a JSON-RPC error, the upstream's own code kept. */
    private static <T> Failure<T> thrown() {
        return new Failure<>() {
            public T unavailable(String message) {
                throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(message).build();
            }

            public T refused(McpError error, String message) {
                int code = error.getJsonRpcError() == null ? McpSchema.ErrorCodes.INTERNAL_ERROR : error.getJsonRpcError().code();
                throw McpError.builder(code).message(message).build();
            }
        };
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
