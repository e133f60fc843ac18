package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running SDK MCP server whose tools, prompts, resources and resource templates follow the {@link ToolCatalog}: on
 * every catalog change, entries that are gone are removed and new or redescribed ones added, and the SDK tells
 * connected clients ({@code notifications/tools/list_changed} and its prompt and resource siblings). Handlers look
 * the entry up in the catalog at call time, so a source that only replaces handlers (an upstream reconnecting)
 * causes no notification. Build with {@link McpServerFactory}.
 */
public final class GatewayMcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayMcpServer.class);

    /** What the SDK server offers, one add and remove per kind of entry (the sessionful and stateless servers differ). */
    /**
     * How to change one SDK server's offers: the sessionful and the stateless server have no common type, so each
     * is adapted by the operations it has, as method references ({@link McpServerFactory}).
     */
    record SdkFeatures(Consumer<McpSchema.Tool> addTool, Consumer<String> removeTool,
            Consumer<McpSchema.Prompt> addPrompt, Consumer<String> removePrompt,
            Consumer<McpSchema.Resource> addResource, Consumer<String> removeResource,
            Consumer<McpSchema.ResourceTemplate> addResourceTemplate, Consumer<String> removeResourceTemplate,
            Runnable close) {
    }

    /** The catalog's entries at one moment, by key: what the SDK server is built with, so no list_changed precedes any session. */
    record Snapshot(Map<String, McpSchema.Tool> tools, Map<String, McpSchema.Prompt> prompts, Map<String, McpSchema.Resource> resources,
            Map<String, McpSchema.ResourceTemplate> templates) {

        static Snapshot of(ToolCatalog catalog) {
            return new Snapshot(index(catalog.tools(), CatalogTool::tool, McpSchema.Tool::name),
                    index(catalog.promptCatalog().prompts(), CatalogPrompt::prompt, McpSchema.Prompt::name),
                    index(catalog.resourceCatalog().resources(), CatalogResource::resource, McpSchema.Resource::uri),
                    index(catalog.resourceCatalog().templates(), CatalogResourceTemplate::template, McpSchema.ResourceTemplate::uriTemplate));
        }
    }

    private final ToolCatalog catalog;
    private final SdkFeatures sdk;
    private final Mirror<McpSchema.Tool> tools;
    private final Mirror<McpSchema.Prompt> prompts;
    private final Mirror<McpSchema.Resource> resources;
    private final Mirror<McpSchema.ResourceTemplate> templates;
    private final Runnable toolListener;
    private final Runnable promptListener;
    private final Runnable resourceListener;

    /** @param initial what the SDK server was built with */
    GatewayMcpServer(ToolCatalog catalog, Snapshot initial, SdkFeatures sdk) {
        this.catalog = catalog;
        this.sdk = sdk;
        this.tools = new Mirror<>("tools", initial.tools(), () -> Snapshot.of(catalog).tools(), sdk.addTool(), sdk.removeTool());
        this.prompts = new Mirror<>("prompts", initial.prompts(), () -> Snapshot.of(catalog).prompts(), sdk.addPrompt(), sdk.removePrompt());
        this.resources = new Mirror<>("resources", initial.resources(), () -> Snapshot.of(catalog).resources(),
                sdk.addResource(), sdk.removeResource());
        this.templates = new Mirror<>("resource templates", initial.templates(), () -> Snapshot.of(catalog).templates(),
                sdk.addResourceTemplate(), sdk.removeResourceTemplate());
        this.toolListener = tools::sync;
        this.promptListener = prompts::sync;
        this.resourceListener = () -> {
            resources.sync();
            templates.sync();
        };
        catalog.addListener(toolListener);
        catalog.promptCatalog().addListener(promptListener);
        catalog.resourceCatalog().addListener(resourceListener);
        // Catches a change made between the server's build and the listeners' registration.
        syncTools();
    }

    /** Brings the SDK server's tools, prompts, resources and templates in line with the catalog. */
    void syncTools() {
        tools.sync();
        prompts.sync();
        resourceListener.run();
    }

    /** Stops following the catalog and closes the server's sessions. */
    @Override
    public void close() {
        catalog.removeListener(toolListener);
        catalog.promptCatalog().removeListener(promptListener);
        catalog.resourceCatalog().removeListener(resourceListener);
        sdk.close().run();
    }

    private static <E, D> Map<String, D> index(Iterable<E> entries, Function<E, D> descriptor, Function<D, String> key) {
        Map<String, D> byKey = new LinkedHashMap<>();
        entries.forEach(e -> byKey.put(key.apply(descriptor.apply(e)), descriptor.apply(e)));
        return byKey;
    }

    /** The SDK server's copy of one kind of entry, by key, and how to bring it in line with the catalog. */
    private static final class Mirror<T> {
        private final String kind;
        private final Supplier<Map<String, T>> wanted;
        private final Consumer<T> add;
        private final Consumer<String> remove;
        private final Map<String, T> exposed = new HashMap<>();

        Mirror(String kind, Map<String, T> initial, Supplier<Map<String, T>> wanted, Consumer<T> add, Consumer<String> remove) {
            this.kind = kind;
            this.exposed.putAll(initial);
            this.wanted = wanted;
            this.add = add;
            this.remove = remove;
        }

        synchronized void sync() {
            Map<String, T> now = wanted.get();
            for (String key : Map.copyOf(exposed).keySet()) {
                if (!now.containsKey(key)) {
                    remove.accept(key);
                    exposed.remove(key);
                }
            }
            now.forEach((key, entry) -> {
                if (!entry.equals(exposed.get(key))) {
                    add.accept(entry);
                    exposed.put(key, entry);
                }
            });
            log.debug("exposing {} {}", exposed.size(), kind);
        }
    }
}
