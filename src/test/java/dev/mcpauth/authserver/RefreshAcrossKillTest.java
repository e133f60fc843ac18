package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.support.ServeChild;
import dev.mcpauth.support.ServeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 item 4: {@code serve} killed with SIGKILL in the middle of a burst of refreshes, then started again on the
 * same state directory. Every client retries with the refresh token it last holds (the new one if its answer arrived,
 * else the one it had sent) and keeps its login.
 */
class RefreshAcrossKillTest {
    private static final int CLIENTS = 10;

    @TempDir
    Path dir;

    /** One client's view: the refresh token it holds and whether its last request went unanswered. */
    private static final class Holder {
        final TestAuthServer.Client client;
        volatile String refreshToken;
        volatile boolean unanswered;

        Holder(TestAuthServer.Client client, String refreshToken) {
            this.client = client;
            this.refreshToken = refreshToken;
        }
    }

    @Test
    void everyClientKeepsItsLoginWhenTheServerIsKilledMidRefreshBurst() throws Exception {
        int port = ServeProcess.freePort();
        String[] args = {"serve", "--port", Integer.toString(port), "--auto-approve", "--state-dir", dir.resolve("state").toString()};
        List<Holder> holders = new ArrayList<>();
        ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        try (ServeChild first = ServeChild.start(Map.of(), args)) {
            TestAuthServer as = TestAuthServer.remote(origin(first.mcpUrl()));
            for (int i = 0; i < CLIENTS; i++) {
                TestAuthServer.Client client = as.registerPublicClient();
                holders.add(new Holder(client, as.tokensFor(client, null).get("refresh_token").asText()));
            }
            List<Thread> burst = holders.stream().map(h -> Thread.ofPlatform().start(() -> refreshUntilKilled(as, h, answered, refusals))).toList();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (answered.get() < 150 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            first.process().destroyForcibly().waitFor();
            for (Thread t : burst) {
                t.join(30_000);
            }
        }
        assertThat(refusals).as("refused before the kill").isEmpty();
        assertThat(answered.get()).as("refreshes answered before the kill").isGreaterThanOrEqualTo(150);
        assertThat(holders).as("clients whose refresh got no answer").anyMatch(h -> h.unanswered);

        try (ServeChild second = ServeChild.start(Map.of(), args)) {
            TestAuthServer as = TestAuthServer.remote(origin(second.mcpUrl()));
            for (Holder h : holders) {
                HttpResponse<String> retried = as.refresh(h.client, h.refreshToken, null);
                assertThat(retried.statusCode()).as("retry of %s (%s) after the restart: %s", h.client.id(),
                        h.unanswered ? "unanswered" : "answered", retried.body()).isEqualTo(200);
                HttpResponse<String> next = as.refresh(h.client, TestAuthServer.json(retried).get("refresh_token").asText(), null);
                assertThat(next.statusCode()).as("the refresh after that: %s", next.body()).isEqualTo(200);
            }
            assertThat(String.join("\n", second.stderr())).doesNotContain("revoked the whole grant");
        }
    }

    private static void refreshUntilKilled(TestAuthServer as, Holder h, AtomicInteger answered, ConcurrentLinkedQueue<String> refusals) {
        while (true) {
            HttpResponse<String> r;
            try {
                r = as.refresh(h.client, h.refreshToken, null);
            } catch (UncheckedIOException e) {
                // Killed with the request in flight: the client keeps the token it sent and retries it later.
                h.unanswered = true;
                return;
            }
            if (r.statusCode() != 200) {
                refusals.add(r.statusCode() + " " + r.body());
                return;
            }
            h.refreshToken = TestAuthServer.json(r).get("refresh_token").asText();
            answered.incrementAndGet();
        }
    }

    private static String origin(String mcpUrl) {
        return mcpUrl.substring(0, mcpUrl.length() - "/mcp".length());
    }
}
