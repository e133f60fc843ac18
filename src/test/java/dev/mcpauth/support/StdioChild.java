package dev.mcpauth.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.token.TokenMinter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code mcp-auth serve --stdio} as a real child process (the test classpath, no jar needed), spoken to one line at a
 * time: each {@link #exchange} writes a line and waits, bounded, for the next reply that carries an id.
 */
public final class StdioChild implements AutoCloseable {

    public static final String SECRET = "stdio-child-secret-at-least-32-bytes-long";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POISON = "\u0000eof";

    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();

    private StdioChild(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    /** Starts the gateway on stdio with a token holding {@code scopes}. */
    public static StdioChild start(String... scopes) throws IOException {
        return startWith(token("carol", List.of(scopes), java.util.Map.of()));
    }

    /** A token the stdio child accepts: {@code subject}, {@code scopes} and extra {@code claims}. */
    public static String token(String subject, List<String> scopes, java.util.Map<String, Object> claims) {
        TokenMinter.Draft draft = TokenMinter.withSecret(SECRET.getBytes(StandardCharsets.UTF_8)).token()
                .subject(subject).clientId("stdio-client").audience("http://127.0.0.1:8001/mcp").scopes(scopes).ttl(Duration.ofMinutes(10));
        claims.forEach(draft::claim);
        return draft.mint();
    }

    /** Starts {@code serve --stdio --secret ... MORE} with {@code token} in {@code MCP_AUTH_TOKEN}. */
    public static StdioChild startWith(String token, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JarProcess.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.mcpauth.cli.Main", "serve", "--stdio", "--secret", SECRET));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("MCP_AUTH_"));
        pb.environment().put("MCP_AUTH_TOKEN", token);
        return new StdioChild(pb.start());
    }

    /** Writes one line and returns the next reply with an id (notifications are skipped), or fails after 20 s. */
    public JsonNode exchange(String line) throws Exception {
        send(line);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String next = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null || next.equals(POISON)) {
                break;
            }
            JsonNode reply = JSON.readTree(next);
            if (reply.has("id")) {
                return reply;
            }
        }
        throw new AssertionError("no reply on stdout to " + line + "; stderr: " + stderr());
    }

    /** Writes one line without waiting. */
    public void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** What the child wrote on stdout that was not read yet, waiting at most {@code wait}. */
    public List<String> unread(Duration wait) throws InterruptedException {
        List<String> out = new ArrayList<>();
        String line = lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        while (line != null && !line.equals(POISON)) {
            out.add(line);
            line = lines.poll();
        }
        return out;
    }

    public synchronized String stderr() {
        return stderr.toString();
    }

    private void pump(BufferedReader reader, boolean stdout) {
        try (reader) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (stdout) {
                    lines.add(line);
                } else {
                    synchronized (this) {
                        stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the child ended
        } finally {
            if (stdout) {
                lines.add(POISON);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
