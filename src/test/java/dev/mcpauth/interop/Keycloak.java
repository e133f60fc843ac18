package dev.mcpauth.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keycloak from Maven Central ({@code org.keycloak:keycloak-quarkus-dist}, unpacked under target/keycloak by the
 * build), started in dev mode on an ephemeral loopback port with the test realm {@code mcp} imported
 * (src/test/resources/keycloak/mcp-realm.json). Its first start builds its server image, creates its database and
 * imports the realm: one to several minutes on a busy machine; later starts reuse all three.
 */
final class Keycloak implements AutoCloseable {

    static final String REALM = "mcp";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(8);
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private Keycloak(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts Keycloak, or skips the calling tests with a message when its distribution is not there. */
    static Keycloak start() throws Exception {
        Optional<Path> home = home();
        assumeTrue(home.isPresent(), "Keycloak is not unpacked under target/keycloak (run the build without -Dkeycloak.skip): skipped");
        Path dir = home.get();
        // The database of an earlier run is kept when it holds this very realm: schema and import are most of a first start.
        Path realm = Path.of("src/test/resources/keycloak/mcp-realm.json");
        Path imported = dir.resolve("data/import/mcp-realm.json");
        if (!Files.exists(imported) || Files.mismatch(realm, imported) != -1) {
            deleteTree(dir.resolve("data"));
            Files.createDirectories(imported.getParent());
            Files.copy(realm, imported);
        }
        Path log = Path.of("target/keycloak-test.log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve("bin/kc.sh").toString(), "start-dev", "--http-port=0",
                "--http-host=127.0.0.1", "--import-realm")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                        new java.io.File("/dev/null")));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return new Keycloak(process, log, Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited (" + process.exitValue() + ") before listening: " + tail(log));
            }
            Thread.sleep(250);
        }
        stop(process);
        throw new IllegalStateException("Keycloak did not listen within " + START_TIMEOUT + ": " + tail(log));
    }

    private static Optional<Path> home() throws IOException {
        Path root = Path.of("target/keycloak").toAbsolutePath();
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("keycloak-") && Files.isRegularFile(d.resolve("bin/kc.sh"))).findFirst();
        }
    }

    String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    String tokenEndpoint() {
        return issuer() + "/protocol/openid-connect/token";
    }

    String jwksUri() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    /** A user's access token by the password grant of the realm's public client {@code caller-app} (audience: gateway). */
    String userToken(String username, String password) throws Exception {
        Map<String, String> form = Map.of("grant_type", "password", "client_id", "caller-app", "username", username, "password", password);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("Keycloak refused the password grant: " + response.statusCode() + " " + response.body());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("access_token").asText();
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
