package dev.mcpauth.dist;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An unpacked archive and a way to run its programs in an environment without Java (no java on PATH, no JAVA_HOME). */
final class Unpacked {

    /** The only programs the launcher and install.sh may use: the base system, never a JDK. */
    private static final List<String> TOOLS = List.of("bash", "env", "readlink", "dirname", "basename", "sed", "head", "cut", "cat",
            "cp", "ln", "mkdir", "rm", "tr", "grep", "ls", "chmod", "date");

    private final Path home;
    private final Path tools;
    private final Path userHome;

    private Unpacked(Path home, Path tools, Path userHome) {
        this.home = home;
        this.tools = tools;
        this.userHome = userHome;
    }

    static Unpacked from(Path tarXz, Path into) throws Exception {
        if (!Files.isRegularFile(tarXz)) {
            throw new IllegalStateException(tarXz + " is missing: build it with mvn -B package (the dist profile)");
        }
        Process tar = new ProcessBuilder("tar", "-xJf", tarXz.toAbsolutePath().toString(), "-C", into.toString()).inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("tar could not unpack " + tarXz);
        }
        Path home;
        try (var entries = Files.list(into)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path tools = Files.createDirectories(into.resolve("path-without-java"));
        for (String tool : TOOLS) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path real = Path.of(dir, tool);
                Path wrapper = tools.resolve(tool);
                if (Files.isExecutable(real) && !Files.exists(wrapper)) {
                    // A wrapper, not a symlink: the temporary directory is deleted without warnings about links.
                    Files.writeString(wrapper, "#!/bin/sh\nexec " + real + " \"$@\"\n");
                    wrapper.toFile().setExecutable(true);
                }
            }
        }
        return new Unpacked(home, tools, Files.createDirectories(into.resolve("user-home")));
    }

    Path home() {
        return home;
    }

    /** The directory commands run in (their HOME too): where they look for .env and mcp-auth.yaml. */
    Path workDir() {
        return userHome;
    }

    Path launcher() {
        return home.resolve("bin/mcp-auth");
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    private ProcessBuilder process(List<String> command, String... env) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(userHome.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", tools.toString());
        e.put("HOME", userHome.toString());
        e.put("LANG", "C.UTF-8");
        for (int i = 0; i + 1 < env.length; i += 2) {
            e.put(env[i], env[i + 1]);
        }
        return pb;
    }

    Result run(List<String> command, String... env) throws Exception {
        Path out = Files.createTempFile(userHome, "out", ".txt");
        Path err = Files.createTempFile(userHome, "err", ".txt");
        Process p = process(command, env).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code bin/mcp-auth serve} on a loopback port, ready to answer (its /health says so). */
    Server serve(int port, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher().toString(), "serve", "--port", String.valueOf(port)));
        command.addAll(List.of(options));
        Path log = Files.createTempFile(userHome, "serve", ".log");
        Process p = process(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Server server = new Server(p, "http://127.0.0.1:" + port, log);
        server.awaitHealthy();
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A running {@code serve}; closing it stops the process. */
    record Server(Process process, String base, Path log) implements AutoCloseable {

        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        void awaitHealthy() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("serve exited with " + process.exitValue() + ": " + Files.readString(log));
                }
                try {
                    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new AssertionError("serve did not answer /health in 30 s: " + Files.readString(log));
        }

        /** A JSON-RPC request in a new MCP session: initialize, notifications/initialized, then {@code body}. */
        HttpResponse<String> inSession(String token, String body) throws Exception {
            HttpResponse<String> init = post(token, dev.mcpauth.support.TestGateway.initializeBody());
            if (init.statusCode() != 200) {
                throw new AssertionError("initialize failed: " + init.statusCode() + " " + init.body());
            }
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            post(token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session);
            return post(token, body, session);
        }

        HttpResponse<String> post(String token, String body) throws Exception {
            return post(token, body, null);
        }

        /** A JSON-RPC POST to /mcp with the headers of the README's curl example. */
        HttpResponse<String> post(String token, String body, String session) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp")).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2025-11-25")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (session != null) {
                b.header("Mcp-Session-Id", session);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
