package dev.mcpauth.bench;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import dev.mcpauth.http.VirtualThreadDispatch;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ceiling of the benchmark: a bare Undertow endpoint, with the gateway's listener settings and thread counts,
 * that reads the POSTed body and answers the same JSON-RPC result bytes the gateway answers for the benchmarked
 * tools/call, with no authentication and no MCP. With {@code dispatch}, it answers the same way the gateway's
 * threading does (virtual thread, blocking body read and send): the cost of that design alone.
 * Usage: {@code CeilingServer PORT RESPONSE_FILE [dispatch]}.
 */
public final class CeilingServer {

    private static boolean handoff;

    private CeilingServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        boolean dispatch = args.length > 2 && args[2].startsWith("dispatch");
        handoff = args.length > 2 && args[2].equals("dispatch-handoff");
        ByteBuffer response = ByteBuffer.allocateDirect(body.length).put(body).flip();
        Undertow server = Undertow.builder()
                .addHttpListener(port, BenchHosts.LOOPBACK)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(8)
                .setByteBufferPool(VirtualThreadDispatch.byteBufferPool())
                .setHandler(dispatch ? new VirtualThreadDispatch(blocking(response)) : exchange -> exchange.getRequestReceiver()
                        // Reads the whole request body, as the gateway must, then answers from the IO thread.
                        .receiveFullBytes((ex, bytes) -> {
                            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                            ex.getResponseSender().send(response.duplicate());
                        }))
                .build();
        server.start();
        BenchHosts.ready("ceiling", port);
    }

    /** The gateway's threading without its work: body read and response written on a virtual thread, blocking. */
    private static HttpHandler blocking(ByteBuffer response) {
        return exchange -> {
            exchange.getInputStream().readAllBytes();
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            if (handoff) {
                exchange.dispatch(exchange.getIoThread(), ex -> new io.undertow.io.AsyncSenderImpl(ex).send(response.duplicate()));
                return;
            }
            exchange.getResponseSender().send(response.duplicate());
        };
    }
}
