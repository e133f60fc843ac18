package dev.mcpauth.mcp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Entries kept per source and looked up by key, where the source registered first keeps a key that several offer
 * (a later upstream cannot take over a name or URI clients already use). Not thread-safe: its owner synchronizes.
 */
final class BySource<T> {

    private final Function<T, String> key;
    private final Map<String, List<T>> bySource = new LinkedHashMap<>();

    BySource(Function<T, String> key) {
        this.key = key;
    }

    /**
     * Replaces what {@code source} offers and returns the index of every entry now exposed, by key (sources in the
     * order they first registered). {@code shadowed} receives this source's entries whose key another source holds.
     */
    Map<String, T> replace(String source, Collection<T> entries, List<T> shadowed) {
        bySource.put(source, List.copyOf(entries));
        Map<String, T> exposed = new LinkedHashMap<>();
        bySource.forEach((s, list) -> list.forEach(entry -> {
            T kept = exposed.putIfAbsent(key.apply(entry), entry);
            if (kept != null && s.equals(source)) {
                shadowed.add(entry);
            }
        }));
        if (entries.isEmpty()) {
            bySource.remove(source);
        }
        return exposed;
    }

    /** Every entry of every source, in source order (shadowed ones included). */
    List<T> all() {
        List<T> all = new ArrayList<>();
        bySource.values().forEach(all::addAll);
        return all;
    }
}
