package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running front with sessions (Streamable HTTP or stdio) kept in step with the {@link ToolCatalog}: when the
 * tools, prompts, resources or resource templates the catalog offers change, every session is told
 * ({@code notifications/tools/list_changed} and its prompt and resource siblings) and lists again. A change that
 * only replaces handlers (an upstream reconnecting with the same offers) tells no one. Build with
 * {@link McpServerFactory}.
 */
public final class GatewayMcpServer implements McpFront {

    private static final Logger log = LoggerFactory.getLogger(GatewayMcpServer.class);

    private final ToolCatalog catalog;
    private final Consumer<String> notifyAll;
    private final Runnable close;
    private final Offers<McpSchema.Tool> tools;
    private final Offers<McpSchema.Prompt> prompts;
    private final Offers<McpSchema.Resource> resources;
    private final Offers<McpSchema.ResourceTemplate> templates;
    private final Runnable toolListener;
    private final Runnable promptListener;
    private final Runnable resourceListener;

    /**
     * @param notifyAll sends one notification (by method) to every session of the front
     * @param close     ends the front's sessions
     */
    GatewayMcpServer(ToolCatalog catalog, Consumer<String> notifyAll, Runnable close) {
        this.catalog = Objects.requireNonNull(catalog);
        this.notifyAll = Objects.requireNonNull(notifyAll);
        this.close = Objects.requireNonNull(close);
        this.tools = new Offers<>(() -> index(catalog.tools(), CatalogTool::tool, McpSchema.Tool::name));
        this.prompts = new Offers<>(() -> index(catalog.promptCatalog().prompts(), CatalogPrompt::prompt, McpSchema.Prompt::name));
        this.resources = new Offers<>(() -> index(catalog.resourceCatalog().resources(), CatalogResource::resource, McpSchema.Resource::uri));
        this.templates = new Offers<>(() -> index(catalog.resourceCatalog().templates(), CatalogResourceTemplate::template,
                McpSchema.ResourceTemplate::uriTemplate));
        this.toolListener = () -> tell(tools.changed(), McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED);
        this.promptListener = () -> tell(prompts.changed(), McpSchema.METHOD_NOTIFICATION_PROMPTS_LIST_CHANGED);
        // Either changing is a resources/list_changed: both are what resources/list and templates/list return.
        this.resourceListener = () -> tell(resources.changed() | templates.changed(), McpSchema.METHOD_NOTIFICATION_RESOURCES_LIST_CHANGED);
        catalog.addListener(toolListener);
        catalog.promptCatalog().addListener(promptListener);
        catalog.resourceCatalog().addListener(resourceListener);
        // A change made between the snapshots above and the listeners' registration is told now.
        toolListener.run();
        promptListener.run();
        resourceListener.run();
    }

    private void tell(boolean changed, String method) {
        if (changed) {
            log.debug("{} to every session", method);
            notifyAll.accept(method);
        }
    }

    /** Stops following the catalog and closes the front's sessions. */
    @Override
    public void close() {
        catalog.removeListener(toolListener);
        catalog.promptCatalog().removeListener(promptListener);
        catalog.resourceCatalog().removeListener(resourceListener);
        close.run();
    }

    private static <E, D> Map<String, D> index(Iterable<E> entries, Function<E, D> descriptor, Function<D, String> key) {
        Map<String, D> byKey = new LinkedHashMap<>();
        entries.forEach(e -> byKey.put(key.apply(descriptor.apply(e)), descriptor.apply(e)));
        return byKey;
    }

    /** What was last offered of one kind of entry, by key, and whether the catalog now offers something else. */
    private static final class Offers<T> {
        private final Supplier<Map<String, T>> current;
        private Map<String, T> offered;

        Offers(Supplier<Map<String, T>> current) {
            this.current = current;
            this.offered = current.get();
        }

        synchronized boolean changed() {
            Map<String, T> now = current.get();
            if (same(now, offered)) {
                return false;
            }
            offered = now;
            return true;
        }

        /**
         * Map equality that asks a descriptor's {@code equals} only when it is not the very same object: the catalog
         * keeps its descriptors, so the check at start-up and most checks after a change compare each with itself. A
         * record's first {@code equals} links its {@code ObjectMethods} call site, ~8 ms of a stdio start.
         */
        private static <T> boolean same(Map<String, T> now, Map<String, T> before) {
            if (now.size() != before.size()) {
                return false;
            }
            for (Map.Entry<String, T> entry : now.entrySet()) {
                T other = before.get(entry.getKey());
                if (other != entry.getValue() && (other == null || !other.equals(entry.getValue()))) {
                    return false;
                }
            }
            return true;
        }
    }
}
