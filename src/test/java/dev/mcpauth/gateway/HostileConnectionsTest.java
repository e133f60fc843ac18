package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients without a token that open connections and never finish a request cannot make the gateway unreachable. */
class HostileConnectionsTest {

    private static final byte[] PARTIAL_REQUEST = "GET /health HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path root;

    private TestGateway gateway(Duration headerTimeout, int maxConnections, int perAddress) throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
        return TestGateway.start(TestGateway.withCapacity(config, 64,
                new GatewayConfig.Capacity(headerTimeout, maxConnections, perAddress, 64, 8, 100)));
    }

    /** A socket from {@code from} that has sent the start of a request and nothing more. */
    private static Socket partial(TestGateway gw, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", gw.server.port()), 2000);
        s.getOutputStream().write(PARTIAL_REQUEST);
        s.getOutputStream().flush();
        return s;
    }

    /** Whether the server has closed {@code s}: a read sees end of stream or a reset within {@code wait}. */
    private static boolean closedByServer(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        try {
            InputStream in = s.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static HttpResponse<String> healthFrom(TestGateway gw, String from) throws Exception {
        HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).connectTimeout(Duration.ofSeconds(2)).build();
        return client.send(HttpRequest.newBuilder(URI.create(gw.server.baseUrl() + "/health")).timeout(Duration.ofSeconds(3)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void closeAll(List<Socket> sockets) {
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        });
    }

    @Test
    void partialConnectionsOverThePerAddressCapAreClosedAndOtherAddressesStillGetHealth() throws Exception {
        try (TestGateway gw = gateway(Duration.ofSeconds(2), 1000, 20)) {
            List<Socket> attack = new ArrayList<>();
            try {
                for (int i = 0; i < 60; i++) {
                    attack.add(partial(gw, "127.0.0.1"));
                }
                Thread.sleep(200);
                long closed = 0;
                for (Socket s : attack) {
                    closed += closedByServer(s, Duration.ofMillis(30)) ? 1 : 0;
                }
                assertThat(closed).as("connections beyond the per-address cap of 20 are closed at once").isEqualTo(40);

                HttpResponse<String> health = healthFrom(gw, "127.0.0.2");
                assertThat(health.statusCode()).as("another address is still served during the attack").isEqualTo(200);

                // The header timeout then closes the 20 that were let in, and the attacker's address is served again.
                for (Socket s : attack) {
                    assertThat(closedByServer(s, Duration.ofSeconds(6))).isTrue();
                }
                assertThat(healthFrom(gw, "127.0.0.1").statusCode()).isEqualTo(200);
                assertThat(gw.initialize(gw.token())).isNotBlank();
            } finally {
                closeAll(attack);
            }
        }
    }

    @Test
    void connectionsOverTheTotalCapAreClosedAtOnce() throws Exception {
        try (TestGateway gw = gateway(Duration.ofSeconds(5), 10, 0)) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 15; i++) {
                    sockets.add(partial(gw, "127.0.0.1"));
                }
                Thread.sleep(200);
                long closed = 0;
                for (Socket s : sockets) {
                    closed += closedByServer(s, Duration.ofMillis(30)) ? 1 : 0;
                }
                assertThat(closed).isEqualTo(5);
            } finally {
                closeAll(sockets);
            }
            Thread.sleep(200);
            assertThat(gw.get("/health").statusCode()).as("closed connections give their places back").isEqualTo(200);
        }
    }

    @Test
    void aSlowlorisConnectionIsClosedAfterTheHeaderTimeout() throws Exception {
        try (TestGateway gw = gateway(Duration.ofSeconds(1), 1000, 100); Socket s = partial(gw, "127.0.0.1")) {
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            boolean closed = false;
            // One more header byte every 200 ms: never idle, never finished.
            while (!closed && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                closed = closedByServer(s, Duration.ofMillis(200));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).as("closed while still sending its headers").isTrue();
            assertThat(took).isBetween(Duration.ofMillis(800), Duration.ofSeconds(3));
            assertThat(gw.get("/health").statusCode()).isEqualTo(200);
        }
    }
}
