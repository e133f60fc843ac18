package dev.mcpauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {

    private static final int LIMIT = 1024;

    private static String jsonOfSize(int bytes) {
        String prefix = "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"pad\":\"";
        String suffix = "\"}}";
        return prefix + "a".repeat(bytes - prefix.length() - suffix.length()) + suffix;
    }

    private static TestHttp limitedBodyServer() {
        return new TestHttp(new RequestLimits(8, LIMIT,
                new VirtualThreadDispatch(new JsonRpcBodyReader(LIMIT, TestHttp.echo()))));
    }

    @Test
    void bodyAtTheLimitIsReadAndAttached() throws Exception {
        try (TestHttp http = limitedBodyServer()) {
            HttpResponse<String> response = http.send(http.mcpPost("/mcp", jsonOfSize(LIMIT)));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(TestHttp.json(response).path("bytes").asInt()).isEqualTo(LIMIT);
        }
    }

    @Test
    void declaredContentLengthOverTheLimitIs413BeforeReading() throws Exception {
        try (TestHttp http = limitedBodyServer()) {
            HttpResponse<String> response = http.send(http.mcpPost("/mcp", jsonOfSize(LIMIT + 1)));

            assertThat(response.statusCode()).isEqualTo(413);
            JsonNode body = TestHttp.json(response);
            assertThat(body.path("error").asText()).isEqualTo("request_too_large");
            assertThat(body.path("error_description").asText()).contains("1024 bytes");
        }
    }

    @Test
    void chunkedBodyOverTheLimitIs413WhileReading() throws Exception {
        byte[] big = jsonOfSize(4 * LIMIT).getBytes(StandardCharsets.UTF_8);
        try (TestHttp http = limitedBodyServer()) {
            HttpResponse<String> response = http.send(http.request("/mcp")
                    .header("Content-Type", "application/json")
                    .header("Accept", TestHttp.MCP_ACCEPT)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(TestHttp.json(response).path("reached").isMissingNode()).isTrue();
        }
    }

    @Test
    void withoutAQueueRequestsOverTheConcurrencyLimitAre503WithRetryAfterUntilOneCompletes() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TestHttp http = new TestHttp(new RequestLimits(1, 0, Duration.ZERO, LIMIT, new OpenStreams(), new VirtualThreadDispatch(exchange -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            JsonErrors.sendJson(exchange, 200, java.util.Map.of("done", true));
        })))) {
            CompletableFuture<HttpResponse<String>> first = http.client()
                    .sendAsync(http.request("/slow").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> refused = http.send(http.request("/other").GET());

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(TestHttp.json(refused).path("error").asText()).isEqualTo("temporarily_unavailable");

            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(eventuallyAdmitted(http)).isEqualTo(200);
        }
    }

    /** The permit returns when the first exchange completes, which may be a moment after its client has the reply. */
    private static int eventuallyAdmitted(TestHttp http) throws Exception {
        int status = 0;
        for (int i = 0; i < 50 && status != 200; i++) {
            status = http.send(http.request("/again").GET()).statusCode();
            if (status != 200) {
                Thread.sleep(20);
            }
        }
        return status;
    }
}
