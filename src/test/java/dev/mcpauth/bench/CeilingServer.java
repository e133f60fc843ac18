package dev.mcpauth.bench;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ceiling of the benchmark: a bare Undertow endpoint, with the gateway's listener settings and thread counts,
 * that reads the POSTed body and answers the same JSON-RPC result bytes the gateway answers for the benchmarked
 * tools/call, with no authentication and no MCP. Usage: {@code CeilingServer PORT RESPONSE_FILE}.
 */
public final class CeilingServer {

    private CeilingServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        ByteBuffer response = ByteBuffer.allocateDirect(body.length).put(body).flip();
        Undertow server = Undertow.builder()
                .addHttpListener(port, BenchHosts.LOOPBACK)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(8)
                // Reads the whole request body, as the gateway must, then answers from the IO thread.
                .setHandler(exchange -> exchange.getRequestReceiver().receiveFullBytes((ex, bytes) -> {
                    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    ex.getResponseSender().send(response.duplicate());
                }))
                .build();
        server.start();
        BenchHosts.ready("ceiling", port);
    }
}
