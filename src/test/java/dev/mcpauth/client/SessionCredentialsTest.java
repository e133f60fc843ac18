package dev.mcpauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpauth.cli.Cli;
import dev.mcpauth.support.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code connect} does with its tokens, against {@code serve}'s embedded authorization server (auto-approve). */
class SessionCredentialsTest {

    @TempDir
    static Path filesRoot;
    @TempDir
    Path dir;
    static TestGateway gateway;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(Cli.serveConfig("--port", "0", "--auto-approve", "--files-root", filesRoot.toString()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private SessionCredentials credentials(Path storeFile, String... scopes) throws Exception {
        AuthorizationTarget target = new Discovery(http, progress::add).discover(URI.create(gateway.mcpUrl()));
        LoginFlow flow = new LoginFlow(http, progress::add, url -> fail("no browser expected: the AS approves at once"));
        LoginFlow.Options options = new LoginFlow.Options(Set.of(scopes), null, null, null, null, 0, Duration.ofSeconds(20));
        return new SessionCredentials(target, flow, options, new TokenStore(storeFile), progress::add);
    }

    private HttpResponse<String> listFiles(String token) throws Exception {
        String session = gateway.initialize(token);
        return gateway.send(gateway.post(token, TestGateway.toolCall(7, "list_files", "{}")).header("Mcp-Session-Id", session));
    }

    private long count(String fragment) {
        return progress.stream().filter(line -> line.contains(fragment)).count();
    }

    @Test
    void insufficientScopeLogsInForTheHeldAndChallengedScopesWithTheStoredRegistration() throws Exception {
        SessionCredentials credentials = credentials(dir.resolve("tokens.json"), "math:calculate");
        HttpResponse<String> denied = listFiles(credentials.accessToken());
        assertThat(denied.statusCode()).isEqualTo(403);

        boolean retry = credentials.rejected(403, denied.headers().firstValue("WWW-Authenticate").orElseThrow());
        String stepped = credentials.accessToken();

        assertThat(retry).isTrue();
        assertThat(listFiles(stepped).statusCode()).isEqualTo(200);
        String session = gateway.initialize(stepped);
        assertThat(gateway.send(gateway.post(stepped, TestGateway.toolCall(8, "add_numbers", "{\"a\":1,\"b\":2}"))
                .header("Mcp-Session-Id", session)).statusCode()).isEqualTo(200);
        assertThat(count("register: client_id")).as(String.join("\n", progress)).isEqualTo(1);
        assertThat(progress).anyMatch(line -> line.startsWith("authorize:") && line.contains("math:calculate") && line.contains("read:files"));
    }

    @Test
    void stepUpForTheSameScopesStopsAfterTwoLoginsAndTheRefusalGoesBackToTheClient() throws Exception {
        SessionCredentials credentials = credentials(dir.resolve("tokens.json"), "math:calculate");
        credentials.accessToken();
        String challenge = "Bearer error=\"insufficient_scope\", scope=\"read:files\"";

        assertThat(credentials.rejected(403, challenge)).isTrue();
        credentials.accessToken();
        assertThat(credentials.rejected(403, challenge)).isTrue();
        credentials.accessToken();
        assertThat(credentials.rejected(403, challenge)).isFalse();

        assertThat(count("authorize: PKCE")).isEqualTo(3);
        assertThat(count("register: client_id")).isEqualTo(1);
    }

    @Test
    void twoStoresOnOneFileRefreshOnceAndBothUseTheRotatedTokens() throws Exception {
        Path file = dir.resolve("shared/tokens.json");
        SessionCredentials first = credentials(file, "math:calculate");
        String original = first.accessToken();
        SessionCredentials second = credentials(file, "math:calculate");
        assertThat(second.accessToken()).isEqualTo(original);
        first.rejected();
        second.rejected();
        progress.clear();

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> a = pool.submit(() -> {
                go.await();
                return first.accessToken();
            });
            Future<String> b = pool.submit(() -> {
                go.await();
                return second.accessToken();
            });
            go.countDown();
            String tokenA = a.get();
            String tokenB = b.get();

            assertThat(tokenA).isEqualTo(tokenB).isNotEqualTo(original);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("refreshed the access token")).as(String.join("\n", progress)).isEqualTo(1);
        assertThat(count("refresh failed")).isZero();
        assertThat(count("authorize:")).isZero();
        assertThat(listFiles(first.accessToken()).statusCode()).isEqualTo(403);
    }
}
