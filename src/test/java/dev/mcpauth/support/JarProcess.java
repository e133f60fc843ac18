package dev.mcpauth.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the built jar ({@code target/mcp-auth.jar}) as a real child process with the running test's Java. */
public final class JarProcess {

    private JarProcess() {
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("mcpauth.jar", "target/mcp-auth.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the built jar is missing at " + jar + ": these tests run in `mvn verify` after `package`");
        }
        return jar;
    }

    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("MCP_AUTH_"));
        pb.environment().putAll(env);
        return pb.start();
    }
}
