package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.cli.Cli;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.support.TestGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding: a loopback-bound gateway answers only to its own names in the Host header, on every route, whatever
 * the token. Requests go over a raw socket, as java.net.http will not send a forged Host.
 */
class HostHeaderCheckTest {

    @TempDir
    Path root;

    record Response(int status, String body) {
        JsonNode json() throws Exception {
            return TestGateway.json(body);
        }
    }

    private static Response raw(TestGateway gateway, String method, String path, String host, String token, String body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.server.port())) {
            socket.setSoTimeout(20_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            if (token != null) {
                request.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (body != null) {
                request.append("Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n")
                        .append("MCP-Protocol-Version: 2025-11-25\r\nContent-Length: ").append(content.length).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int split = response.indexOf("\r\n\r\n");
            return new Response(status, split < 0 ? "" : response.substring(split + 4));
        }
    }

    private static GatewayConfig withEdge(GatewayConfig c, String host, String publicUrl, List<String> allowedHosts) {
        GatewayConfig.Listener l = c.listener();
        GatewayConfig.Edge e = c.edge();
        return new GatewayConfig(new GatewayConfig.Listener(host, 0, l.mcpPath(), publicUrl, l.stateless()), c.auth(), c.jwt(), c.policy(),
                c.tools(), new GatewayConfig.Edge(e.allowedOrigins(), e.maxBodyBytes(), e.maxConcurrentRequests(), e.maxTokenFailures(),
                        e.tokenFailureWindow(), allowedHosts), c.scopeUpgradeEndpoint(), c.authorizationServers(), c.upstreams());
    }

    @Test
    void forgedHostWithAValidTokenIsMisdirectedAndTheBodyNamesTheHostAndTheFlag() throws Exception {
        try (TestGateway gateway = TestGateway.sharedSecret(root, false)) {
            Response response = raw(gateway, "POST", "/mcp", "evil.example.com", gateway.token(), TestGateway.initializeBody());

            assertThat(response.status()).isEqualTo(421);
            assertThat(response.json().path("error").asText()).isEqualTo("misdirected_request");
            assertThat(response.json().path("error_description").asText()).contains("'evil.example.com'").contains("--allowed-host evil.example.com");
        }
    }

    @Test
    void forgedHostIsRefusedOnTheMetadataAndEmbeddedAuthorizationServerRoutesToo() throws Exception {
        GatewayConfig embedded = TestGateway.config(new GatewayConfig.EmbeddedAuthServer(true, null, null, Map.of()), root, false);
        try (TestGateway gateway = TestGateway.start(embedded)) {
            for (String path : List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-authorization-server", "/health")) {
                assertThat(raw(gateway, "GET", path, "127.0.0.1:" + gateway.server.port(), null, null).status()).as(path).isEqualTo(200);
                assertThat(raw(gateway, "GET", path, "evil.example.com:" + gateway.server.port(), null, null).status()).as(path).isEqualTo(421);
            }
        }
    }

    @Test
    void loopbackNamesOnAnyPortAreAnswered() throws Exception {
        try (TestGateway gateway = TestGateway.sharedSecret(root, false)) {
            for (String host : List.of("localhost", "localhost:9999", "127.0.0.1:" + gateway.server.port(), "[::1]:8001", "LOCALHOST.",
                    "inspector.localhost:6274")) {
                Response response = raw(gateway, "POST", "/mcp", host, gateway.token(), TestGateway.initializeBody());
                assertThat(response.status()).as(host + ": " + response.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void allowedHostAndThePublicUrlHostAreAnsweredAndOthersStillRefused() throws Exception {
        GatewayConfig config = withEdge(TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)),
                root, false), "127.0.0.1", "https://gw.example.com", List.of("mcp.internal.example"));
        try (TestGateway gateway = TestGateway.start(config)) {
            assertThat(raw(gateway, "GET", "/health", "mcp.internal.example:8443", null, null).status()).isEqualTo(200);
            assertThat(raw(gateway, "GET", "/health", "gw.example.com", null, null).status()).isEqualTo(200);
            assertThat(raw(gateway, "GET", "/health", "evil.example.com", null, null).status()).isEqualTo(421);
        }
    }

    @Test
    void boundToEveryAddressWithoutAllowedHostAnyHostIsAnswered() throws Exception {
        GatewayConfig config = withEdge(TestGateway.config(new GatewayConfig.SharedSecret(TestGateway.SECRET.getBytes(StandardCharsets.UTF_8)),
                root, false), "0.0.0.0", null, List.of());
        try (TestGateway gateway = TestGateway.start(config)) {
            assertThat(raw(gateway, "GET", "/health", "mcp.example.com", null, null).status()).isEqualTo(200);
        }
    }

    @Test
    void allowedHostIsARepeatableServeOptionAndABadOneIsAConfigError() {
        assertThat(Cli.serveConfig("--allowed-host", "a.example", "--allowed-host", "b.example,c.example").edge().allowedHosts())
                .containsExactly("a.example", "b.example", "c.example");
        Cli.Result bad = Cli.run("serve", "--allowed-host", "https://a.example:443", "--port", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--allowed-host").contains("https://a.example:443");
    }
}
