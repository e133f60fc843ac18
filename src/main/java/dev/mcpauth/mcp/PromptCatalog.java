package dev.mcpauth.mcp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every prompt the gateway exposes, from every source, by name: the prompt half of the {@link ToolCatalog}. Sources
 * replace their prompts as a group; a name two sources offer stays with the source that registered first. Listeners
 * hear about every change (to send {@code notifications/prompts/list_changed}). Readers see an immutable snapshot.
 */
public final class PromptCatalog {

    private final BySource<CatalogPrompt> bySource = new BySource<>(CatalogPrompt::name);
    private volatile Map<String, CatalogPrompt> byName = Map.of();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Sets the prompts of one source; returns those not exposed because another source holds their name. */
    public List<CatalogPrompt> replaceSource(String source, Collection<CatalogPrompt> prompts) {
        List<CatalogPrompt> shadowed = new ArrayList<>();
        synchronized (this) {
            byName = Map.copyOf(bySource.replace(source, prompts, shadowed));
        }
        dev.mcpauth.metrics.Metrics.catalogNames(prompts.stream().map(p -> p.prompt().name()).toList());
        listeners.forEach(Runnable::run);
        return shadowed;
    }

    public Optional<CatalogPrompt> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every prompt, sorted by name (a deterministic order for {@code prompts/list}). */
    public List<CatalogPrompt> prompts() {
        List<CatalogPrompt> all = new ArrayList<>(byName.values());
        all.sort(Comparator.comparing(CatalogPrompt::name));
        return all;
    }

    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }
}
