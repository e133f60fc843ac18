package dev.mcpauth.mcp;

import dev.mcpauth.metrics.Metrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every tool the gateway exposes, from every source (built-in tools, upstream servers), by name.
 * Sources replace their own tools as a group ({@link #replaceSource}), e.g. when an upstream reconnects or
 * says its list changed; listeners hear about every change (to send {@code notifications/tools/list_changed}).
 * Thread-safe: readers see an immutable snapshot. The same sources' prompts and resources live beside the tools, in
 * {@link #promptCatalog()} and {@link #resourceCatalog()}, each with its own listeners.
 */
public final class ToolCatalog {

    private final Map<String, List<CatalogTool>> bySource = new LinkedHashMap<>();
    private volatile Map<String, CatalogTool> byName = Map.of();
    private volatile Map<String, String> sourceByName = Map.of();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<SessionRelay> relays = new CopyOnWriteArrayList<>();
    private final PromptCatalog prompts = new PromptCatalog();
    private final ResourceCatalog resources = new ResourceCatalog();

    /** Sets the tools of one source, replacing what that source had. A name already taken by another source is refused. */
    public synchronized void replaceSource(String source, Collection<CatalogTool> tools) {
        Map<String, CatalogTool> next = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        bySource.forEach((s, list) -> {
            if (!s.equals(source)) {
                list.forEach(t -> next.put(t.name(), t));
                list.forEach(t -> sources.put(t.name(), s));
            }
        });
        for (CatalogTool tool : tools) {
            if (next.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("tool name '" + tool.name() + "' from " + source + " is already exposed by another source");
            }
        }
        bySource.put(source, List.copyOf(tools));
        tools.forEach(t -> sources.put(t.name(), source));
        byName = Map.copyOf(next);
        sourceByName = Map.copyOf(sources);
        Metrics.catalogNames(tools.stream().map(CatalogTool::name).toList());
        listeners.forEach(Runnable::run);
    }

    public Optional<CatalogTool> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The source that exposes {@code name} ("builtin", "upstream:NAME"), or null for an unknown tool. */
    public String sourceOf(String name) {
        return sourceByName.get(name);
    }

    /** Every tool, sorted by name (a deterministic order for {@code tools/list}). */
    public List<CatalogTool> tools() {
        List<CatalogTool> all = new ArrayList<>(byName.values());
        all.sort(Comparator.comparing(CatalogTool::name));
        return all;
    }

    /** The prompts of the same sources. */
    public PromptCatalog promptCatalog() {
        return prompts;
    }

    /** The resources and resource templates of the same sources. */
    public ResourceCatalog resourceCatalog() {
        return resources;
    }

    /** A source that keeps connections per client session registers here to hear about those sessions. */
    public void addRelay(SessionRelay relay) {
        relays.add(relay);
    }

    public void removeRelay(SessionRelay relay) {
        relays.remove(relay);
    }

    /** Every registered {@link SessionRelay}. */
    public List<SessionRelay> relays() {
        return List.copyOf(relays);
    }

    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    /** Stops telling {@code onChange} about changes (a server that was closed). */
    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }
}
