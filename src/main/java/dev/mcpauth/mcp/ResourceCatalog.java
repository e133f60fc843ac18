package dev.mcpauth.mcp;

import io.modelcontextprotocol.util.DefaultMcpUriTemplateManager;
import io.modelcontextprotocol.util.McpUriTemplateManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every resource and resource template the gateway exposes, from every source: the resource half of the
 * {@link ToolCatalog}. URIs are never rewritten, so a URI (or URI template) two sources offer stays with the source
 * that registered first. A read is routed to the source listing the URI, else to the first source with a template
 * that matches it (the SDK's RFC 6570 matcher). Listeners hear about every change. Readers see an immutable snapshot.
 */
public final class ResourceCatalog {

    /** Where a read of one URI goes: the source's reader, under the policy name of that URI. */
    public record Route(String uri, String policyName, ResourceReader reader) {
    }

    private record Matcher(CatalogResourceTemplate template, McpUriTemplateManager manager) {
    }

    private record Snapshot(Map<String, CatalogResource> byUri, List<Matcher> templates) {
    }

    private final BySource<CatalogResource> resources = new BySource<>(CatalogResource::uri);
    private final BySource<CatalogResourceTemplate> templates = new BySource<>(CatalogResourceTemplate::uriTemplate);
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of());
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /**
     * Sets the resources and templates of one source; returns the URIs and URI templates of this source not exposed
     * because another source holds them.
     */
    public List<String> replaceSource(String source, Collection<CatalogResource> offered, Collection<CatalogResourceTemplate> offeredTemplates) {
        List<CatalogResource> shadowed = new ArrayList<>();
        List<CatalogResourceTemplate> shadowedTemplates = new ArrayList<>();
        synchronized (this) {
            Map<String, CatalogResource> byUri = Map.copyOf(resources.replace(source, offered, shadowed));
            List<Matcher> matchers = templates.replace(source, offeredTemplates, shadowedTemplates).values().stream()
                    .map(t -> new Matcher(t, new DefaultMcpUriTemplateManager(t.uriTemplate())))
                    .toList();
            snapshot = new Snapshot(byUri, matchers);
        }
        dev.mcpauth.metrics.Metrics.catalogNames(offered.stream().map(CatalogResource::policyName).toList());
        listeners.forEach(Runnable::run);
        List<String> refused = new ArrayList<>();
        shadowed.forEach(r -> refused.add(r.uri()));
        shadowedTemplates.forEach(t -> refused.add(t.uriTemplate()));
        return refused;
    }

    /** Every resource, sorted by URI (a deterministic order for {@code resources/list}). */
    public List<CatalogResource> resources() {
        List<CatalogResource> all = new ArrayList<>(snapshot.byUri().values());
        all.sort(Comparator.comparing(CatalogResource::uri));
        return all;
    }

    /** Every resource template, sorted by URI template. */
    public List<CatalogResourceTemplate> templates() {
        List<CatalogResourceTemplate> all = new ArrayList<>(snapshot.templates().stream().map(Matcher::template).toList());
        all.sort(Comparator.comparing(CatalogResourceTemplate::uriTemplate));
        return all;
    }

    /** Where a read of {@code uri} goes: the source that lists it, else the first whose template matches; empty if none. */
    public Optional<Route> route(String uri) {
        Snapshot now = snapshot;
        CatalogResource listed = now.byUri().get(uri);
        if (listed != null) {
            return Optional.of(new Route(uri, listed.policyName(), listed.reader()));
        }
        for (Matcher m : now.templates()) {
            if (m.manager().matches(uri)) {
                CatalogResourceTemplate t = m.template();
                return Optional.of(new Route(uri, t.policyName().apply(uri), t.reader()));
            }
        }
        return Optional.empty();
    }

    /** The name the policy knows a read of {@code uri} by: its route's, or the bare URI when no source offers it. */
    public String policyName(String uri) {
        return route(uri).map(Route::policyName).orElse(uri);
    }

    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }
}
