package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.support.ServeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP reloads policy and upstreams from mcp-auth.yaml; a file that does not validate keeps the running configuration. */
class ServeReloadTest {

    @TempDir
    Path dir;

    @Test
    void sighupAppliesTheNewPolicyAndABadFileKeepsTheRunningOneAndSaysWhy() throws Exception {
        Path yaml = dir.resolve("mcp-auth.yaml");
        Files.writeString(yaml, "policy:\n  tools:\n    get_server_info: ops:read\n");
        try (ServeProcess serve = ServeProcess.start(dir, "--port", "0", "--stateless")) {
            String reader = ServeProcess.token(serve.mcpUrl(), "ops:read");
            assertThat(serve.call(reader, "get_server_info").statusCode()).isEqualTo(200);

            Files.writeString(yaml, "policy:\n  tools:\n    get_server_info: ops:admin\n");
            serve.signal("HUP");
            await(() -> status(serve, reader) == 403);
            assertThat(serve.log()).contains("configuration reloaded");

            Files.writeString(yaml, "policy:\n  tools:\n    get_server_info: ops:read\npolcy: {}\n");
            serve.signal("HUP");
            await(() -> log(serve).contains("reload refused"));
            assertThat(log(serve)).contains("reload refused, the running configuration stays", "polcy");
            assertThat(serve.call(reader, "get_server_info").statusCode()).as("the last good policy still runs").isEqualTo(403);
            assertThat(serve.process().isAlive()).as("SIGHUP does not end the server").isTrue();
        }
    }

    @Test
    void aShutdownTimeoutThatIsNotADurationIsAConfigurationErrorNamingTheOption() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertThat(Main.run("serve", "--port", "0", "--secret", ServeProcess.SECRET, "--shutdown-timeout", "soon")).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString()).contains("--shutdown-timeout");
    }

    private static int status(ServeProcess serve, String token) {
        try {
            return serve.call(token, "get_server_info").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String log(ServeProcess serve) {
        try {
            return serve.log();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 20 s");
            }
            Thread.sleep(50);
        }
    }
}
