package dev.mcpauth.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.support.JarProcess;
import dev.mcpauth.token.TokenMinter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar is minimized (pom.xml, maven-shade-plugin {@code minimizeJar}): classes no kept class refers to are
 * left out. That analysis sees class references only, so a class reached by a name in a string, a
 * {@code META-INF/services} file or the policy's CEL would be missing at run time, in production. These tests are
 * the proof that nothing such is missing, on the built jar itself.
 */
class MinimizedJarIT {

    /** A dotted Java class name as a library writes it for {@code Class.forName}: {@code com.google.protobuf.ExtensionRegistry}. */
    private static final Pattern CLASS_NAME = Pattern.compile("(?:[a-z][a-z0-9_]*\\.){2,}[A-Z][A-Za-z0-9_$]*");

    @Test
    void everyServiceProviderTheJarListsLoadsFromTheJarAlone() throws Exception {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        try (JarFile jar = new JarFile(JarProcess.jar().toFile());
             URLClassLoader alone = new URLClassLoader(new URL[] {JarProcess.jar().toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (JarEntry entry : jar.stream().toList()) {
                String name = entry.getName();
                if (!name.startsWith("META-INF/services/") || entry.isDirectory()) {
                    continue;
                }
                Class<?> service;
                try {
                    service = Class.forName(name.substring("META-INF/services/".length()), false, alone);
                } catch (ClassNotFoundException e) {
                    continue; // an interface of a library that is not here (OTel autoconfigure, BlockHound): nothing looks it up
                }
                for (String provider : providers(jar, entry)) {
                    checked++;
                    try {
                        Class<?> impl = Class.forName(provider, false, alone);
                        if (!service.isAssignableFrom(impl)) {
                            broken.add(name + ": " + provider + " is not a " + service.getName());
                        }
                    } catch (ClassNotFoundException | LinkageError e) {
                        broken.add(name + ": " + provider + " (" + e + ")");
                    }
                }
            }
        }
        assertThat(checked).as("service providers checked").isGreaterThan(20);
        assertThat(broken).as("providers a ServiceLoader would fail on").isEmpty();
    }

    @Test
    void everyClassNameTheJarsClassesSpellOutIsInTheJarWhenItsLibraryHasIt() throws Exception {
        // A name in a string is found by Class.forName at run time, never by the minimizer. A name in a package the
        // jar ships, that its library has (the dependencies are on this test's class path unminimized), must be in
        // the jar too. Names in packages the jar never had (the JDK's, optional libraries') are not its business.
        Set<String> missing = new TreeSet<>();
        int scanned = 0;
        try (JarFile jar = new JarFile(JarProcess.jar().toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            Set<String> packages = new HashSet<>();
            jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class") && n.contains("/"))
                    .forEach(n -> packages.add(n.substring(0, n.lastIndexOf('/'))));
            for (JarEntry entry : jar.stream().toList()) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                scanned++;
                String text;
                try (InputStream in = jar.getInputStream(entry)) {
                    text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                Matcher m = CLASS_NAME.matcher(text);
                while (m.find()) {
                    String resource = m.group().replace('.', '/') + ".class";
                    if (packages.contains(resource.substring(0, resource.lastIndexOf('/'))) && jar.getJarEntry(resource) == null
                            && ClassLoader.getSystemResource(resource) != null) {
                        missing.add(m.group() + " (named in " + entry.getName() + ")");
                    }
                }
            }
        }
        assertThat(scanned).as("classes scanned").isGreaterThan(10_000);
        assertThat(missing).as("classes named in strings but left out of the jar").isEmpty();
    }

    @Test
    void celConditionsOfEveryKindCompileAndDecideInTheShippedJar(@TempDir Path dir) throws Exception {
        // One rule that uses each part of CEL a policy reaches for: macros, string functions, RE2 regular expressions,
        // lists, maps, membership, has(), conversions, arithmetic, mixed int/double comparison, timestamps, durations.
        String rule = String.join(" && ",
                "args.a < 100",
                "has(claims.groups) && 'eng' in claims.groups",
                "claims.groups.exists(g, g.startsWith('e')) && claims.groups.all(g, size(g) > 1)",
                "claims.groups.map(g, g + '!').filter(g, g.endsWith('!')).size() == 2",
                "claims.groups.exists_one(g, g == 'ops')",
                "claims.sub.matches('^c[a-z]+$') && claims.sub.contains('aro')",
                "string(args.b) == '2' && int(args.b) % 2 == 0 && double(args.a) / 2.0 == 0.5",
                "args.a == 1.0 && {'k': [1, 2]}.k[1] == 2 && !('z' in {'k': 1})",
                "timestamp('2026-01-01T00:00:00Z') + duration('1h') > timestamp('2026-01-01T00:30:00Z')",
                "duration('90m').getHours() == 1 && timestamp('2026-03-04T05:06:07Z').getFullYear() == 2026",
                "type(claims.sub) == string && (args.a > 0 ? true : false)");
        Path config = Files.writeString(dir.resolve("mcp-auth.yaml"), """
                policy:
                  tools:
                    add_numbers:
                      when: "%s"
                      message: outside the rule
                """.formatted(rule.replace("\"", "\\\"")));
        String secret = "minimized-jar-test-secret-of-32-bytes-or-more";
        String token = TokenMinter.withSecret(secret.getBytes(StandardCharsets.UTF_8)).token()
                .subject("carol").audience("http://127.0.0.1:8001/mcp").scope("math:calculate")
                .claim("groups", List.of("eng", "ops")).ttl(Duration.ofMinutes(5)).mint();

        Process p = JarProcess.start(Map.of("MCP_AUTH_TOKEN", token), "serve", "--stdio", "--secret", secret, "--config", config.toString());
        try (OutputStream in = p.getOutputStream()) {
            in.write(String.join("\n", List.of(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"add_numbers\",\"arguments\":{\"a\":1,\"b\":2}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"add_numbers\",\"arguments\":{\"a\":500,\"b\":2}}}"))
                    .concat("\n").getBytes(StandardCharsets.UTF_8));
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(stderr).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");

        Map<Integer, JsonNode> replies = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : stdout.split("\n")) {
            JsonNode msg = json.readTree(line);
            if (msg.has("id")) {
                replies.put(msg.get("id").asInt(), msg);
            }
        }
        assertThat(replies.get(2).at("/result/structuredContent/result").asInt()).as(stdout + stderr).isEqualTo(3);
        assertThat(replies.get(3).toString()).as("the rule refuses a = 500").contains("outside the rule");
    }

    @Test
    void spansReachAnOtlpReceiverFromTheShippedJar() throws Exception {
        // OpenTelemetry finds its HTTP sender by ServiceLoader, and the jar leaves out its metrics and logs SDKs
        // (pom.xml): the shipped jar must still export a request's span, parented by the caller's traceparent.
        List<byte[]> exports = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            exports.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        String secret = "minimized-jar-test-secret-of-32-bytes-or-more";
        Process serve = JarProcess.start(Map.of(), "serve", "--port", String.valueOf(port), "--secret", secret,
                "--otlp-endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            awaitHealth(http, base, serve);
            String token = TokenMinter.withSecret(secret.getBytes(StandardCharsets.UTF_8)).token()
                    .subject("carol").audience(base + "/mcp").scope("math:calculate").ttl(Duration.ofMinutes(5)).mint();
            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            HttpResponse<String> call = http.send(HttpRequest.newBuilder(URI.create(base + "/mcp")).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + token).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(call.statusCode()).as(call.body()).isLessThan(500);

            byte[] id = HexFormat.of().parseHex(traceId);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (exports.stream().noneMatch(body -> contains(body, id)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(exports).as("OTLP exports carrying the caller's trace id").anyMatch(body -> contains(body, id));
        } finally {
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
            receiver.stop(0);
        }
    }

    private static void awaitHealth(HttpClient http, String base, Process serve) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !serve.isAlive()) {
                throw new AssertionError("serve did not answer /health: " + new String(serve.getErrorStream().readNBytes(4000), StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static List<String> providers(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replaceFirst("#.*", "").trim()).filter(line -> !line.isEmpty()).toList();
        }
    }
}
