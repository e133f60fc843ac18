package dev.mcpauth.support;

import dev.mcpauth.metrics.Metrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** This process's metrics as a scrape of {@code /metrics} would show them (for gateways started in the test's JVM). */
public final class Scrape {

    private Scrape() {
    }

    public static String now() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, Metrics.REGISTRY.scrape());
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of one series ({@code name{labels}} exactly as scraped), or NaN when it is not there. */
    public static double value(String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(now());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
