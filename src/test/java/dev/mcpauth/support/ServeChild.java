package dev.mcpauth.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mcp-auth ARGS} as a real child process on the test class path (no jar needed), with every stderr line kept:
 * for tests that read what the process logged, or talk to the {@code serve} it started (its banner names the URLs).
 */
public final class ServeChild implements AutoCloseable {

    private static final Pattern MCP_URL = Pattern.compile("serving MCP at (http://[^\\s\"\\\\]+)");
    private static final Pattern METRICS_URL = Pattern.compile("metrics: (http://[^\\s\"\\\\]+)");

    private final Process process;
    private final List<String> stderr = new ArrayList<>();

    private ServeChild(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (stderr) {
                        stderr.add(line);
                        stderr.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        });
    }

    /** Starts {@code mcp-auth args...} with {@code env} (and no other MCP_AUTH_ variable). */
    public static ServeChild start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JarProcess.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.mcpauth.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("MCP_AUTH_"));
        pb.environment().putAll(env);
        return new ServeChild(pb.start());
    }

    /** What a finished command printed and returned. */
    public record Finished(int exitCode, String out, String err) {
    }

    /** Runs {@code mcp-auth args...} to its end (at most 60 s) with {@code env} and nothing on stdin. */
    public static Finished run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JarProcess.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.mcpauth.cli.Main"));
        cmd.addAll(List.of(args));
        java.nio.file.Path out = java.nio.file.Files.createTempFile("mcp-auth-out", ".txt");
        java.nio.file.Path err = java.nio.file.Files.createTempFile("mcp-auth-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("MCP_AUTH_"));
            pb.environment().putAll(env);
            Process process = pb.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("mcp-auth " + String.join(" ", args) + " did not end in 60 s");
            }
            return new Finished(process.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    /** The java command line that runs {@code mainClass} on the test class path (for upstream children). */
    public static String javaCommand(Class<?> mainClass) {
        return JarProcess.java() + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + System.getProperty("java.class.path") + " " + mainClass.getName();
    }

    public Process process() {
        return process;
    }

    /** The MCP endpoint URL from the banner, waiting up to 60 s for it. */
    public String mcpUrl() throws InterruptedException {
        return awaitMatch(MCP_URL);
    }

    /** The metrics URL from the banner. */
    public String metricsUrl() throws InterruptedException {
        return awaitMatch(METRICS_URL);
    }

    private String awaitMatch(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (stderr) {
            while (true) {
                for (String line : stderr) {
                    // In --log-format json, the banner is a JSON string: slashes come escaped.
                    Matcher m = pattern.matcher(line.replace("\\/", "/"));
                    if (m.find()) {
                        return m.group(1);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new AssertionError("no line matching " + pattern + " from the child; stderr:\n" + String.join("\n", stderr));
                }
                stderr.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Every stderr line so far. */
    public List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** Ends the child (SIGTERM, then SIGKILL after 20 s) and waits for its stderr to be read to the end. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Thread.sleep(100);
    }
}
