package dev.mcpauth.upstream;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpTransportException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The MCP stdio transport (newline-delimited JSON-RPC on the child's stdin/stdout) for an upstream child process.
 * <p>
 * Used instead of the SDK's {@code StdioClientTransport} because the gateway must know when and how the child ended
 * (to fail calls in flight at once with its exit code), set its working directory, log its stderr line by line under
 * {@code upstream.<name>}, end its whole process tree, and run no non-daemon thread; the SDK 2.1.0 class hides the
 * process and uses non-daemon executors. Messages are still parsed and written by the SDK's own JSON mapper.
 */
final class ChildProcessTransport implements McpClientTransport {

    private static final Logger log = LoggerFactory.getLogger(ChildProcessTransport.class);
    /** Longest stdout line accepted (a larger one is a broken or hostile child: it is ended). */
    static final int MAX_LINE_CHARS = 16 * 1024 * 1024;
    private static final int MAX_STDERR_LINE_CHARS = 8 * 1024;
    private static final long GRACE_MILLIS = 2_000;

    private final UpstreamSpec spec;
    private final McpJsonMapper json;
    private final Logger childLog;
    private final ExecutorService writer;
    private final Scheduler writeScheduler;
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private final CompletableFuture<Void> stdoutDrained = new CompletableFuture<>();
    private final CompletableFuture<Process> started = new CompletableFuture<>();
    private volatile Process process;
    private volatile boolean closing;

    ChildProcessTransport(UpstreamSpec spec, McpJsonMapper json) {
        this.spec = spec;
        this.json = json;
        this.childLog = LoggerFactory.getLogger("upstream." + spec.name());
        // One writer keeps messages in order and off the caller's thread. A write to a full pipe blocks in the kernel,
        // which pins a virtual thread to its carrier: a daemon platform thread instead (daemon: never holds the JVM open).
        this.writer = Executors.newSingleThreadExecutor(pipeThreads("upstream-" + spec.name() + "-stdin"));
        this.writeScheduler = Schedulers.fromExecutorService(writer, "upstream-" + spec.name() + "-stdin");
    }

    /** Daemon platform threads for blocking pipe I/O (see {@link #start}). */
    static java.util.concurrent.ThreadFactory pipeThreads(String name) {
        return Thread.ofPlatform().daemon().name(name).factory();
    }

    /** Completes with the child's exit code once it has ended and everything it wrote to stdout was read. */
    CompletableFuture<Integer> exited() {
        return exited;
    }

    /** The child's process id, while it runs (for diagnostics and tests). */
    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        return Mono.<Void>fromRunnable(() -> start(handler)).subscribeOn(Schedulers.boundedElastic());
    }

    private void start(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        ProcessBuilder builder = new ProcessBuilder(spec.command());
        builder.environment().putAll(spec.env());
        if (spec.workingDirectory() != null) {
            builder.directory(spec.workingDirectory().toFile());
        }
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            McpTransportException failure = new McpTransportException("upstream " + spec.name() + ": cannot start " + spec.command().getFirst() + ": " + e.getMessage(), e);
            started.completeExceptionally(failure);
            throw failure;
        }
        process = child;
        childLog.info("started pid {}: {}", child.pid(), spec.command());
        // Reading a pipe blocks in the kernel and pins a virtual thread to its carrier; two idle readers were enough to
        // occupy both carriers of a 2-core machine once the scheduler's compensation threads expired (~30 s), so that no
        // request ever ran again. These reads never end while the child lives: they get platform threads of their own.
        pipeThreads("upstream-" + spec.name() + "-stdout").newThread(() -> readStdout(child, handler)).start();
        pipeThreads("upstream-" + spec.name() + "-stderr").newThread(() -> readStderr(child)).start();
        // The exit is reported once stdout is drained (so a reply written just before exiting still arrives), or after a grace period.
        child.onExit().thenRun(() -> stdoutDrained.completeOnTimeout(null, 1, TimeUnit.SECONDS)
                .thenRun(() -> exited.complete(child.exitValue())));
        started.complete(child);
    }

    private void readStdout(Process child, Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = readLine(reader, MAX_LINE_CHARS, true)) != null) {
                if (!line.isBlank()) {
                    deliver(line, handler);
                }
            }
        } catch (IOException e) {
            if (!closing) {
                childLog.warn("stopped reading stdout: {}", e.getMessage());
            }
        } finally {
            stdoutDrained.complete(null);
            // A child that closed stdout can no longer answer: end it so that its exit is reported.
            if (child.isAlive() && !closing) {
                childLog.warn("closed its stdout; ending it");
                destroyTree(child);
            }
        }
    }

    private void deliver(String line, Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, line);
        } catch (Exception e) {
            // stdout belongs to the protocol (MCP stdio transport); a stray line is a server bug, not a reason to drop the link.
            childLog.warn("wrote a line to stdout that is not JSON-RPC; ignored ({} chars)", line.length());
            return;
        }
        handler.apply(Mono.just(message)).subscribe(null, e -> childLog.warn("could not handle a message: {}", e.toString()));
    }

    private void readStderr(Process child) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = readLine(reader, MAX_STDERR_LINE_CHARS, false)) != null) {
                childLog.info("{}", line);
            }
        } catch (IOException e) {
            if (!closing) {
                childLog.debug("stopped reading stderr: {}", e.getMessage());
            }
        }
    }

    /**
     * Reads one line of at most {@code max} chars; null at end of stream. A longer line fails when {@code failWhenLonger},
     * else it is cut (the rest skipped): memory stays bounded whatever the child writes.
     */
    static String readLine(Reader reader, int max, boolean failWhenLonger) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean truncated = false;
        int c;
        while ((c = reader.read()) != -1 && c != '\n') {
            if (line.length() < max) {
                line.append((char) c);
            } else {
                truncated = true;
            }
        }
        if (c == -1 && line.isEmpty()) {
            return null;
        }
        if (truncated && failWhenLonger) {
            throw new IOException("a line longer than " + max + " characters");
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        return Mono.<Void>fromRunnable(() -> write(message)).subscribeOn(writeScheduler);
    }

    private void write(JSONRPCMessage message) {
        // The SDK may send initialize before connect() has started the child: wait for it (this is the writer thread).
        Process child = startedChild();
        if (!child.isAlive()) {
            throw new McpTransportException("upstream " + spec.name() + " is not running");
        }
        try {
            // JSON text never holds a raw newline (the mapper escapes it in strings), so one message is one line.
            byte[] bytes = json.writeValueAsBytes(message);
            OutputStream stdin = child.getOutputStream();
            stdin.write(bytes);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new McpTransportException("upstream " + spec.name() + ": cannot write to its stdin: " + e.getMessage(), e);
        }
    }

    private Process startedChild() {
        try {
            return started.get(spec.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new McpTransportException("upstream " + spec.name() + " is not running (interrupted)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof McpTransportException cannotStart ? cannotStart
                    : new McpTransportException("upstream " + spec.name() + " is not running", e.getCause());
        } catch (TimeoutException e) {
            throw new McpTransportException("upstream " + spec.name() + " did not start within " + spec.callTimeout().toMillis() + " ms");
        }
    }

    /**
     * Ends the child the way the MCP stdio transport asks: close its stdin, wait, then SIGTERM, then SIGKILL, for the
     * child and every process it started.
     */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.<Void>fromRunnable(this::close).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public void close() {
        closing = true;
        started.completeExceptionally(new McpTransportException("upstream " + spec.name() + " was closed"));
        // Closing must finish even when the caller was interrupted (e.g. a stop during initialize).
        boolean interrupted = Thread.interrupted();
        Process child = process;
        if (child != null) {
            List<ProcessHandle> tree = child.descendants().toList();
            try {
                child.getOutputStream().close();
            } catch (IOException e) {
                log.debug("upstream {}: stdin already closed", spec.name());
            }
            if (!waitFor(child.toHandle())) {
                child.destroy();
                if (!waitFor(child.toHandle())) {
                    child.destroyForcibly();
                }
            }
            tree.forEach(ChildProcessTransport::terminate);
        }
        writer.shutdownNow();
        writeScheduler.dispose();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void destroyTree(Process child) {
        child.descendants().forEach(ProcessHandle::destroy);
        child.destroy();
        if (!waitFor(child.toHandle())) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
    }

    private static void terminate(ProcessHandle handle) {
        if (handle.isAlive()) {
            handle.destroy();
            if (!waitFor(handle)) {
                handle.destroyForcibly();
            }
        }
    }

    private static boolean waitFor(ProcessHandle handle) {
        try {
            handle.onExit().get(GRACE_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (Exception e) {
            return !handle.isAlive();
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }
}
