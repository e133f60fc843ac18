package dev.mcpauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import io.undertow.predicate.Predicates;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PredicateHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The line in front of the request budget, through a real Undertow server with ONE IO thread and real concurrent
 * HTTP requests: if a waiting request held its IO thread, nothing else on the server could be answered.
 */
class RequestQueueTest {

    private static final long MAX_BODY = 1024 * 1024;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final AtomicInteger entered = new AtomicInteger();
    private Undertow server;
    private URI base;

    /** Holds every request until {@link #release} opens, counting how many run at once. */
    private final HttpHandler held = new VirtualThreadDispatch(exchange -> {
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
        entered.incrementAndGet();
        try {
            release.await(20, TimeUnit.SECONDS);
        } finally {
            inFlight.decrementAndGet();
        }
        JsonErrors.sendJson(exchange, 200, Map.of("done", true));
    });

    private RequestLimits start(int maxConcurrent, int maxQueued, Duration queueTimeout) {
        RequestLimits limits = new RequestLimits(maxConcurrent, maxQueued, queueTimeout, MAX_BODY, new OpenStreams(), held);
        // /health around the budget, as in the gateway's chain: answered on the IO thread while others wait.
        HttpHandler root = new PredicateHandler(Predicates.path("/health"),
                exchange -> JsonErrors.sendJson(exchange, 200, Map.of("status", "up")), limits);
        server = Undertow.builder().setIoThreads(1).addHttpListener(0, "127.0.0.1").setHandler(root).build();
        server.start();
        base = URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort());
        return limits;
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aBurstBeyondTheConcurrencyLimitWaitsInLineWithoutHoldingTheIoThreadAndEveryRequestIsAnswered() throws Exception {
        RequestLimits limits = start(4, 100, Duration.ofSeconds(20));
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            burst.add(sendAsync("/work?i=" + i));
        }
        await("4 running and 60 waiting", () -> entered.get() == 4 && limits.waiting() == 60);

        long started = System.nanoTime();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("the one IO thread still answers while 60 requests wait").isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

        release.countDown();
        for (CompletableFuture<HttpResponse<String>> response : burst) {
            assertThat(response.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(entered).hasValue(64);
        assertThat(mostInFlight.get()).as("never more than --max-concurrent at once").isEqualTo(4);
        assertThat(limits.waiting()).isZero();
    }

    @Test
    void aFullLineIsRefusedAtOnceAndAWaitPastItsLimitIs503WithRetryAfter() throws Exception {
        RequestLimits limits = start(1, 1, Duration.ofMillis(400));
        CompletableFuture<HttpResponse<String>> running = sendAsync("/first");
        await("the first request running", () -> entered.get() == 1);
        long queuedAt = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = sendAsync("/second");
        await("the second request waiting", () -> limits.waiting() == 1);

        HttpResponse<String> full = sendAsync("/third").get(10, TimeUnit.SECONDS);
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TestHttp.json(full).path("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(TestHttp.json(full).path("error_description").asText()).contains("1 more are waiting");

        HttpResponse<String> timedOut = waiting.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - queuedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(timedOut.statusCode()).isEqualTo(503);
        assertThat(timedOut.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TestHttp.json(timedOut).path("error_description").asText()).contains("waited its limit");
        assertThat(limits.waiting()).isZero();

        release.countDown();
        assertThat(running.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        await("the permit back after the first exchange completes", () -> inFlight.get() == 0);
        assertThat(sendAsync("/after").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(entered).as("neither refused request reached the handler").hasValue(2);
    }
}
