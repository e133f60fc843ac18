package dev.mcpauth.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up latency as a local MCP client sees it: from process start to the {@code initialize} response on stdout
 * ({@code initialize} mode), or to process exit ({@code exit} mode, for {@code --help}). Runs the command N times
 * (after one unmeasured run that warms the file cache) and prints {@code STARTUP <label> <median> <min> <max>} in ms.
 * Usage: {@code StartupProbe initialize|exit N LABEL COMMAND...}; the environment is passed on unchanged.
 */
public final class StartupProbe {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"startup-probe\",\"version\":\"1\"}}}\n";

    private StartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean initialize = args[0].equals("initialize");
        int runs = Integer.parseInt(args[1]);
        String label = args[2];
        List<String> command = Arrays.asList(args).subList(3, args.length);
        once(command, initialize);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            millis.add(once(command, initialize));
        }
        Collections.sort(millis);
        double median = runs % 2 == 1 ? millis.get(runs / 2) : (millis.get(runs / 2 - 1) + millis.get(runs / 2)) / 2;
        System.out.printf("STARTUP %s %.0f %.0f %.0f%n", label, median, millis.get(0), millis.get(runs - 1));
    }

    private static double once(List<String> command, boolean initialize) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            if (initialize) {
                OutputStream stdin = process.getOutputStream();
                stdin.write(INITIALIZE.getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = stdout.readLine()) != null && !line.contains("\"id\":1")) {
                    // skip anything before the response (a conforming server prints nothing else)
                }
                double elapsed = (System.nanoTime() - start) / 1e6;
                if (line == null) {
                    throw new IllegalStateException("the process ended without answering initialize: " + command);
                }
                stdin.close();
                return elapsed;
            }
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            process.waitFor();
            return (System.nanoTime() - start) / 1e6;
        } finally {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
