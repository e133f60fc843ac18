package dev.mcpauth.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.authserver.Pkce;
import dev.mcpauth.support.ServeChild;
import dev.mcpauth.upstream.TinyUpstreamServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --metrics-port} in a real process: after real load (embedded-AS grants, allowed and denied calls,
 * failed tokens until throttled, an upstream that crashes and comes back) the scrape counts each of them, and
 * {@code promtool check metrics} accepts it.
 */
class PrometheusMetricsTest {

    static final String SECRET = "metrics-test-secret-at-least-32-bytes-long";
    static final String REDIRECT = "http://127.0.0.1:7777/callback";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MODERN_META = "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"ops-test\",\"version\":\"1\"}}";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void scrapeAfterLoadCountsRequestsAuthenticationDecisionsToolCallsUpstreamsGrantsAndThrottlingAndPassesPromtool(@TempDir Path dir)
            throws Exception {
        try (ServeChild serve = ServeChild.start(Map.of(), "serve", "--port", "0", "--metrics-port", "0", "--embedded-as",
                "--secret", SECRET, "--auto-approve", "--max-token-failures", "3", "--tool-scope", "u1__*=math:calculate",
                "--upstream", "u1=" + ServeChild.javaCommand(TinyUpstreamServer.class))) {
            String mcp = serve.mcpUrl();
            String metricsUrl = serve.metricsUrl();
            assertThat(URI.create(metricsUrl).getHost()).isEqualTo("127.0.0.1");
            assertThat(URI.create(metricsUrl).getPort()).isNotEqualTo(URI.create(mcp).getPort());
            String base = mcp.substring(0, mcp.indexOf("/mcp"));

            String token = tokenThroughTheEmbeddedAs(base, mcp, "math:calculate");
            assertThat(postForm(base + "/oauth/token", Map.of("grant_type", "authorization_code", "code", "nope",
                    "client_id", "unknown-client")).statusCode()).isEqualTo(401);
            for (int i = 0; i < 3; i++) {
                assertThat(call(mcp, token, "add_numbers", "{\"a\":1,\"b\":2}").statusCode()).isEqualTo(200);
            }
            assertThat(call(mcp, token, "u1__echo", "{\"text\":\"hi\"}").statusCode()).isEqualTo(200);
            assertThat(call(mcp, token, "get_user_info", "{}").statusCode()).isEqualTo(403);
            String madeUp = "made_up_tool_" + System.nanoTime();
            call(mcp, token, madeUp, "{}");
            call(mcp, token, "u1__crash", "{}");
            awaitHealthyUpstream(base);
            for (int i = 0; i < 5; i++) {
                call(mcp, token + "x", "add_numbers", "{\"a\":1,\"b\":2}");
            }

            String scrape = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            Files.writeString(dir.resolve("scrape.txt"), scrape);
            System.out.println("first 40 lines of the scrape:\n" + scrape.lines().limit(40).collect(Collectors.joining("\n")));

            assertThat(scrape).contains("mcp_auth_http_requests_total{route=\"/mcp\",status=\"200\"}");
            assertThat(scrape).contains("mcp_auth_http_requests_total{route=\"/mcp\",status=\"403\"} 1.0");
            assertThat(scrape).contains("mcp_auth_http_requests_total{route=\"/oauth/token\",status=\"401\"} 1.0");
            assertThat(scrape).contains("mcp_auth_http_requests_total{route=\"/mcp\",status=\"429\"} 2.0");
            assertThat(scrape).contains("mcp_auth_authentications_total{outcome=\"rejected\",reason=\"invalid_token\"} 3.0");
            assertThat(scrape).contains("mcp_auth_authentications_total{outcome=\"rejected\",reason=\"too_many_failed_tokens\"} 2.0");
            assertThat(scrape).contains("mcp_auth_token_failures_throttled_total 2.0");
            assertThat(scrape).contains("mcp_auth_policy_decisions_total{kind=\"tool\",name=\"add_numbers\",outcome=\"allowed\"} 3.0");
            assertThat(scrape).contains("mcp_auth_policy_decisions_total{kind=\"tool\",name=\"get_user_info\",outcome=\"insufficient_scope\"} 1.0");
            assertThat(scrape).contains("mcp_auth_tool_call_duration_seconds_count{outcome=\"ok\",tool=\"add_numbers\",upstream=\"builtin\"} 3");
            assertThat(scrape).contains("mcp_auth_tool_call_duration_seconds_count{outcome=\"ok\",tool=\"u1__echo\",upstream=\"u1\"} 1");
            assertThat(scrape).contains("mcp_auth_tool_call_duration_seconds_count{outcome=\"error\",tool=\"u1__crash\",upstream=\"u1\"} 1");
            assertThat(scrape).contains("mcp_auth_upstream_up{upstream=\"u1\"} 1.0");
            assertThat(scrape).contains("mcp_auth_upstream_restarts_total{upstream=\"u1\"} 1.0");
            assertThat(scrape).contains("mcp_auth_authserver_grants_total{grant_type=\"authorization_code\",outcome=\"issued\"} 1.0");
            assertThat(scrape).contains("mcp_auth_authserver_grants_total{grant_type=\"-\",outcome=\"invalid_client\"} 1.0");
            assertThat(scrape).containsPattern("mcp_auth_token_cache_lookups_total\\{result=\"hit\"} [1-9]");
            assertThat(scrape).contains("mcp_auth_jwks_fetches_total{outcome=\"failed\"} 0.0");
            // A name a client made up is never a label value: only what the catalog published is.
            assertThat(scrape).doesNotContain(madeUp).contains("name=\"other\"", "tool=\"other\",upstream=\"none\"");
            assertThat(scrape).contains("mcp_auth_request_queue_refusals_total{reason=\"queue_full\"} 0.0",
                    "mcp_auth_authserver_storage_failures_total 0.0", "# TYPE mcp_auth_request_queue_wait_seconds histogram");
            assertThat(scrape).doesNotContain(token).doesNotContain(SECRET);

            everySeriesTheDashboardReadsIsExposed(scrape);
            promtoolAccepts(dir.resolve("scrape.txt"));
        }
    }

    /** docs/grafana-dashboard.json must not chart a metric the gateway does not have (a renamed one, a typo). */
    private static void everySeriesTheDashboardReadsIsExposed(String scrape) throws Exception {
        String dashboard = Files.readString(Path.of("docs/grafana-dashboard.json"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("mcp_auth_[a-z_]+").matcher(dashboard);
        int seen = 0;
        while (names.find()) {
            String family = names.group().replaceAll("_(bucket|count|sum)$", "");
            if (family.equals("mcp_auth_issuer_reachable")) {
                // Exists once a JWKS or introspection URL has been asked (JwksOutageAtTheGatewayTest); this gateway signs its own.
                continue;
            }
            assertThat(scrape).as("the dashboard reads %s", names.group()).contains("# TYPE " + family + " ");
            seen++;
        }
        assertThat(seen).isGreaterThan(10);
    }

    private void promtoolAccepts(Path scrape) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool),
                "promtool is missing (Debian package prometheus; .ci/run installs it): the scrape was checked without it");
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(scrape.toFile())
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("promtool check metrics said: %s", out).isZero();
    }

    private void awaitHealthyUpstream(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // First the crash must be seen (not up), then the restart (up again).
        boolean sawDown = false;
        while (System.nanoTime() < deadline) {
            String health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            boolean up = JSON.readTree(health).path("upstreams").path("u1").asText().startsWith("up");
            sawDown |= !up;
            if (sawDown && up) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("upstream u1 did not come back after its crash");
    }

    private HttpResponse<String> call(String mcp, String token, String tool, String arguments) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":"
                + arguments + ",\"_meta\":" + MODERN_META + "}}";
        return http.send(HttpRequest.newBuilder(URI.create(mcp)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Dynamic registration, an auto-approved authorization with PKCE, and the code exchange: one issued grant. */
    static String tokenThroughTheEmbeddedAs(String base, String resource, String scope) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"client_name\":\"metrics test\",\"redirect_uris\":[\"" + REDIRECT
                        + "\"],\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String clientId = JSON.readTree(registered.body()).path("client_id").asText();
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", REDIRECT);
        params.put("code_challenge", Pkce.challenge(verifier));
        params.put("code_challenge_method", "S256");
        params.put("resource", resource);
        params.put("scope", scope);
        params.put("state", "s");
        HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/authorize?" + form(params))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String location = redirect.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + redirect.body()));
        String code = java.util.Arrays.stream(URI.create(location).getQuery().split("&")).filter(p -> p.startsWith("code="))
                .map(p -> p.substring(5)).findFirst().orElseThrow();
        HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code", "code", code,
                        "redirect_uri", REDIRECT, "code_verifier", verifier, "client_id", clientId)))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(tokens.body());
        if (!body.has("access_token")) {
            throw new AssertionError("no token: " + tokens.body());
        }
        return body.get("access_token").asText();
    }

    private HttpResponse<String> postForm(String url, Map<String, String> fields) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

}
