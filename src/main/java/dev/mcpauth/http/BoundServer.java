package dev.mcpauth.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * An Undertow listener that is bound before its handler chain exists, so that a chain built for port 0 still
 * knows its real URLs (issuer, resource identifier). Until {@link #serve} is called it answers 503.
 */
public final class BoundServer {

    /** A connection between requests (keep-alive) that sends nothing for this long is closed. */
    static final int NO_REQUEST_TIMEOUT_MILLIS = 60_000;

    private final XnioWorker worker;
    private final AcceptingChannel<StreamConnection> channel;
    private final Root root;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean listening = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final int port;

    private BoundServer(XnioWorker worker, AcceptingChannel<StreamConnection> channel, Root root, int port) {
        this.worker = worker;
        this.channel = channel;
        this.root = root;
        this.port = port;
    }

    public static BoundServer listen(String host, int port) throws IOException {
        return listen(host, port, ConnectionLimits.DEFAULTS);
    }

    /**
     * Assembled by hand rather than with {@code Undertow.builder()} because only this way does a connection pass
     * through {@link ConnectionCap} before Undertow reads from it.
     */
    public static BoundServer listen(String host, int port, ConnectionLimits limits) throws IOException {
        Root root = new Root(limits.bodyTimeout());
        int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        XnioWorker worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.WORKER_TASK_CORE_THREADS, 8)
                .set(Options.WORKER_TASK_MAX_THREADS, 8)
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        OptionMap undertowOptions = OptionMap.builder()
                .set(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                // The request head must arrive within the header timeout (slowloris); Undertow closes the connection.
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, limits.headerTimeout().toMillis()))
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, NO_REQUEST_TIMEOUT_MILLIS)
                .getMap();
        HttpOpenListener http = new HttpOpenListener(VirtualThreadDispatch.byteBufferPool(), undertowOptions);
        http.setRootHandler(root);
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                .getMap();
        try {
            AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(new InetSocketAddress(host, port),
                    ChannelListeners.openListenerAdapter(new ConnectionCap(limits, http)), socketOptions);
            channel.resumeAccepts();
            return new BoundServer(worker, channel, root, ((InetSocketAddress) channel.getLocalAddress()).getPort());
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow();
            throw new IOException("cannot listen on " + host + ":" + port + ": " + rootMessage(e));
        }
    }

    public int port() {
        return port;
    }

    /** Starts answering with {@code chain}. */
    public void serve(HttpHandler chain) {
        root.next = chain;
    }

    /** Closes the listening socket: new connections are refused, the open ones are served on. Once only. */
    public void stopAccepting() {
        if (listening.compareAndSet(true, false)) {
            IoUtils.safeClose(channel);
        }
    }

    /**
     * As {@code Undertow.stop()}: no new connections, then the worker ends once its connections are done. Once only:
     * closing the channel again would wait forever for the worker's ended IO thread.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        stopAccepting();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The handler for paths no route serves: a JSON 404 naming the path. */
    public static HttpHandler notFound() {
        return exchange -> JsonErrors.send(exchange, 404, "not_found", "no resource at " + exchange.getRequestPath());
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static final class Root implements HttpHandler {
        private final java.time.Duration bodyTimeout;
        volatile HttpHandler next;

        Root(java.time.Duration bodyTimeout) {
            this.bodyTimeout = bodyTimeout;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            BodyDeadline.arm(exchange, bodyTimeout);
            HttpHandler h = next;
            if (h == null) {
                JsonErrors.send(exchange, 503, "starting", "the server is starting; try again");
                return;
            }
            h.handleRequest(exchange);
        }
    }
}
