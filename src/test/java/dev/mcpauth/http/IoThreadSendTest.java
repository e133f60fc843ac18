package dev.mcpauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IoThreadSendTest {

    private final List<String> completedOn = new CopyOnWriteArrayList<>();
    private final List<String> handledOn = new CopyOnWriteArrayList<>();
    private Undertow server;
    private URI uri;

    @BeforeEach
    void start() {
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(new VirtualThreadDispatch(exchange -> {
                    handledOn.add(Thread.currentThread().toString());
                    byte[] body = exchange.getInputStream().readAllBytes();
                    exchange.addExchangeCompleteListener((done, next) -> {
                        completedOn.add(Thread.currentThread().getName());
                        next.proceed();
                    });
                    IoThreadSend.send(exchange, ByteBuffer.wrap(("echo:" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
                }))
                .build();
        server.start();
        uri = URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void responsesComputedOnVirtualThreadsAreSentAndEndedOnTheIoThreadAcrossKeepAliveRequests() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("n" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("echo:n" + i);
        }
        assertThat(handledOn).hasSize(20).allMatch(name -> name.startsWith("VirtualThread"));
        // The last exchange's completion listener may run just after the client has read the whole reply.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (completedOn.size() < 20 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(completedOn).hasSize(20).allMatch(name -> name.startsWith("XNIO"));
    }
}
