package dev.mcpauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.NodeClients;
import dev.mcpauth.support.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2026-07-28-only upstream (the TypeScript SDK 2.x server with {@code legacy: 'reject'}, script
 * {@code src/test/interop-modern/modern-only-upstream.mjs}) is fronted for 2025-era and 2026-07-28 clients alike.
 * The upstream refuses {@code initialize} outright (-32022), so before the era translation in
 * {@code upstream/ModernUpstreamTransport} the gateway listed none of its tools.
 */
class ModernOnlyUpstreamTest {

    private static final Path DIR = Path.of("src/test/interop-modern").toAbsolutePath();

    @TempDir
    static Path root;
    private static Process upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void startTheModernOnlyUpstreamBehindTheGateway() throws Exception {
        NodeClients.ensureInstalled(DIR, "@modelcontextprotocol/server");
        upstream = new ProcessBuilder(NodeClients.executable("node"), "modern-only-upstream.mjs").directory(DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(upstream.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
            try {
                return lines.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        assertThat(first).startsWith("LISTENING ");
        String url = "http://127.0.0.1:" + first.substring("LISTENING ".length()).strip() + "/mcp";
        gateway = TestGateway.start(UpstreamGateways.config(root, """
                policy:
                  default-scopes: [modern:use]
                upstreams:
                  - name: modern
                    url: %s
                """.formatted(url), false, false));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.destroy();
            upstream.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLegacyClientGetsEveryToolAndEachInputRequestAndProgressRelayed() throws Exception {
        JsonNode out = NodeClients.runIn(DIR, "@modelcontextprotocol/sdk", "legacy-relay-checks.mjs",
                gateway.mcpUrl(), gateway.token("modern:use"), "");

        assertThat(out.path("error").isMissingNode()).as(out.toString()).isTrue();
        assertThat(out.path("tools").toString()).contains("\"echo\"", "\"confirm\"", "\"sample\"", "\"count\"");
        for (String check : new String[] {"echo", "elicitation", "sampling", "progress", "cancellation", "list_changed"}) {
            assertThat(out.path("checks").path(check).path("ok").asBoolean()).as(check + ": " + out.path("checks").path(check)).isTrue();
        }
    }

    @Test
    void aModernClientCallsTheModernOnlyUpstreamsTools() throws Exception {
        JsonNode out = NodeClients.runIn(DIR, "@modelcontextprotocol/client", "modern-client.mjs",
                gateway.mcpUrl(), gateway.token("modern:use"), "echo", "{\"text\":\"from 2026\"}", "nothing");

        assertThat(out.path("era").asText()).as(out.toString()).isEqualTo("modern");
        assertThat(out.path("tools").toString()).contains("\"echo\"", "\"count\"");
        assertThat(out.path("call").toString()).contains("echo: from 2026");
    }
}
