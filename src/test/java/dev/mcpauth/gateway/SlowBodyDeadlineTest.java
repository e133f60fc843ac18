package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that sends a request head and then drips its body is cut off at --body-timeout (slow POST). */
class SlowBodyDeadlineTest {
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(1);
    private static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    @TempDir
    Path root;

    private TestGateway gateway() throws Exception {
        GatewayConfig config = TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)), root, false);
        return TestGateway.start(TestGateway.withCapacity(config, 2,
                new GatewayConfig.Capacity(Duration.ofSeconds(10), 100, 0, 64, 8, 100, BODY_TIMEOUT)));
    }

    private static Socket headThenBodyPrefix(TestGateway gw, String token, int bytesOfBody) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", gw.server.port()), 2000);
        String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + gw.server.port() + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25"
                + "\r\nContent-Length: " + BODY.length() + "\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(BODY.substring(0, bytesOfBody).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** Everything the server sends until it closes, or null if it is still open after {@code wait}. */
    private static String readUntilClosed(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        StringBuilder got = new StringBuilder();
        try {
            InputStream in = s.getInputStream();
            for (int b; (b = in.read()) >= 0; ) {
                got.append((char) b);
            }
            return got.toString();
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException reset) {
            return got.toString();
        }
    }

    @Test
    void aBodyDrippedByteByByteIsCutOffAtTheBodyTimeoutAndFreesItsRequestSlot() throws Exception {
        try (TestGateway gw = gateway()) {
            String token = gw.token("read:files");
            // Two drippers take both request slots (--max-concurrent 2); each sends a byte every 200 ms, which would
            // take about 8 s to finish the body.
            Socket[] drippers = {headThenBodyPrefix(gw, token, 1), headThenBodyPrefix(gw, token, 1)};
            for (Socket s : drippers) {
                Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 1; i < BODY.length(); i++) {
                            Thread.sleep(200);
                            s.getOutputStream().write(BODY.charAt(i));
                            s.getOutputStream().flush();
                        }
                    } catch (IOException | InterruptedException closed) {
                        // Cut off by the server: what the test expects.
                    }
                });
            }
            long start = System.nanoTime();
            for (Socket s : drippers) {
                try (s) {
                    assertThat(readUntilClosed(s, Duration.ofSeconds(5))).as("the server closed the dripping connection").isNotNull();
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isLessThan(Duration.ofSeconds(4)).isGreaterThanOrEqualTo(BODY_TIMEOUT.minusMillis(300));
            // Their request slots are free again: a normal request is answered.
            assertThat(gw.send(gw.post(token, BODY)).statusCode()).isNotEqualTo(503);
        }
    }

    @Test
    void aBodyThatArrivesInPiecesWithinTheTimeoutIsAnswered() throws Exception {
        try (TestGateway gw = gateway()) {
            try (Socket s = headThenBodyPrefix(gw, gw.token("read:files"), 10)) {
                Thread.sleep(BODY_TIMEOUT.toMillis() / 2);
                s.getOutputStream().write(BODY.substring(10).getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoTimeout(5000);
                byte[] statusLine = s.getInputStream().readNBytes(12);
                assertThat(new String(statusLine, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 ").doesNotContain("503");
            }
        }
    }
}
