package dev.mcpauth.modern;

import static dev.mcpauth.modern.ModernRequests.body;
import static dev.mcpauth.modern.ModernRequests.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** subscriptions/listen streams leave the request budget for the stream budget, like the session GET streams. */
class ListenStreamBudgetTest {

    @TempDir
    Path root;

    @Test
    void unreadListenStreamsBeyondTheRequestBudgetLeaveOtherCallersServed() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
        try (TestGateway gw = TestGateway.start(TestGateway.withCapacity(config, 3,
                new GatewayConfig.Capacity(Duration.ofSeconds(10), 1000, 0, 100, 4, 100)))) {
            String alice = gw.token();
            String listen = body("listen", "subscriptions/listen", "\"notifications\":{\"toolsListChanged\":true}");
            List<HttpResponse<InputStream>> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    HttpResponse<InputStream> res = gw.http.send(post(gw, alice, "subscriptions/listen", null, listen).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    streams.add(res);
                    assertThat(res.statusCode()).as("listen stream %d of a budget of 3 requests", i + 1).isEqualTo(200);
                }
                HttpResponse<InputStream> fifth = gw.http.send(post(gw, alice, "subscriptions/listen", null, listen).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                streams.add(fifth);
                assertThat(fifth.statusCode()).as("over the cap of 4 streams per subject").isEqualTo(429);

                String bob = gw.tokenFor("bob");
                HttpResponse<String> list = gw.http.send(post(gw, bob, "tools/list", null, body(2, "tools/list", "")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(gw.get("/health").statusCode()).isEqualTo(200);
            } finally {
                for (HttpResponse<InputStream> s : streams) {
                    s.body().close();
                }
            }
        }
    }
}
