package dev.mcpauth.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one label may take, capped: tool names, upstream names and paths partly come from clients, and a
 * client that invents a new name per request must not grow the scrape (and Prometheus' memory) without end. The
 * first {@code max} distinct values are kept; every later one is reported as {@value #OTHER}.
 */
final class BoundedLabel {

    static final String OTHER = "_other";
    private static final int MAX_CHARS = 100;

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final int max;

    BoundedLabel(int max) {
        this.max = max;
    }

    String of(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        if (seen.contains(value)) {
            return value;
        }
        if (value.length() > MAX_CHARS || seen.size() >= max) {
            return OTHER;
        }
        seen.add(value);
        return value;
    }
}
