package dev.mcpauth.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.cli.Cli;
import dev.mcpauth.http.MetricsListener;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics listener answers GET /metrics and nothing else, and the MCP port never serves metrics. */
class MetricsListenerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsAreServedOnlyAsGetMetricsOnTheirOwnLoopbackListenerNeverOnTheMcpPort(@TempDir Path dir) throws Exception {
        try (MetricsListener metrics = MetricsListener.start("127.0.0.1", 0); TestGateway gateway = TestGateway.sharedSecret(dir, false)) {
            HttpResponse<String> scrape = get(metrics.url());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
            assertThat(scrape.body()).contains("# TYPE mcp_auth_authentications_total counter");

            assertThat(get(metrics.url().replace("/metrics", "/health")).statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(metrics.url())).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

            assertThat(get(gateway.server.baseUrl() + "/metrics").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void badMetricsPortOrLogFormatIsAConfigurationErrorNamingTheOption() {
        Cli.Result port = Cli.run("serve", "--secret", TestGateway.SECRET, "--port", "0", "--metrics-port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("--metrics-port").doesNotContain("Exception");
        Cli.Result format = Cli.run("serve", "--secret", TestGateway.SECRET, "--port", "0", "--log-format", "xml");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("--log-format must be text or json");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
