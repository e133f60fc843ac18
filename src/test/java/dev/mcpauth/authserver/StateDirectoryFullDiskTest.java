package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 4: the state directory on a disk that fills up. A small tmpfs is mounted for the test (root only; it
 * skips itself elsewhere), a filler file takes every free byte, and the authorization server must say 503
 * {@code temporarily_unavailable} with {@code Retry-After}, then work again by itself once the filler is deleted.
 */
class StateDirectoryFullDiskTest {

    @Test
    void aFullDiskAnswers503WithRetryAfterAndTheServerRecoversByItselfOnceSpaceIsFreed() throws Exception {
        Path mount = Files.createTempDirectory("mcp-auth-full-disk-");
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString());
        if (!mounted) {
            Files.delete(mount);
        }
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root, or CAP_SYS_ADMIN in a container); skipping the full-disk test");
        try {
            Path state = mount.resolve("state");
            Path filler = mount.resolve("filler");
            List<TestAuthServer.Client> clients = new java.util.ArrayList<>();
            List<String> refreshTokens = new java.util.ArrayList<>();
            try (TestAuthServer server = TestAuthServer.start(b -> b.autoApprove(true).stateDirectory(state))) {
                for (int i = 0; i < 3; i++) {
                    clients.add(server.registerPublicClient());
                    refreshTokens.add(server.tokensFor(clients.get(i), null).get("refresh_token").asText());
                }

                fill(filler);
                // H2 goes on writing into the free space inside its own file until that is used up too.
                HttpResponse<String> first = null;
                for (int i = 0; i < 2000 && first == null; i++) {
                    HttpResponse<String> r = server.refresh(clients.get(0), refreshTokens.get(0), null);
                    if (r.statusCode() == 200) {
                        refreshTokens.set(0, TestAuthServer.json(r).get("refresh_token").asText());
                    } else {
                        first = r;
                    }
                }
                assertThat(first).as("a refresh answered other than 200 on the full disk").isNotNull();
                assertTemporarilyUnavailable(first);
                // At once, so that several pooled connections meet the full disk.
                List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> whileFull = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    whileFull.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> server.refresh(clients.get(n), refreshTokens.get(n), null)));
                    whileFull.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> server.postJson("/oauth/register",
                            "{\"client_name\":\"Late\",\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\"}")));
                }
                for (var f : whileFull) {
                    assertTemporarilyUnavailable(f.get(30, TimeUnit.SECONDS));
                }

                Files.delete(filler);
                // Each refresh token a failed request carried was not used up; registration works again; no restart.
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> refreshed = server.refresh(clients.get(i), refreshTokens.get(i), null);
                    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
                    refreshTokens.set(i, TestAuthServer.json(refreshed).get("refresh_token").asText());
                }
                TestAuthServer.Client late = server.registerPublicClient();
                assertThat(server.tokensFor(late, null).get("refresh_token").asText()).isNotBlank();
            }
            try (Stream<Path> files = Files.list(state)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            // What was stored before and after the full disk survives a restart.
            try (TestAuthServer again = TestAuthServer.start(b -> b.autoApprove(true).stateDirectory(state))) {
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> next = again.refresh(clients.get(i), refreshTokens.get(i), null);
                    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
                }
            }
        } finally {
            run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static void assertTemporarilyUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue(Integer.toString(StorageFailureHandler.RETRY_AFTER_SECONDS));
        JsonNode body = TestAuthServer.json(r);
        assertThat(body.get("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(body.get("error_description").asText()).contains("retry");
    }

    /** Writes until the file system says it is full. */
    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
