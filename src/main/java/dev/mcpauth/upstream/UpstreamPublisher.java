package dev.mcpauth.upstream;

import dev.mcpauth.mcp.CatalogPrompt;
import dev.mcpauth.mcp.CatalogResource;
import dev.mcpauth.mcp.CatalogResourceTemplate;
import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCatalog;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts one upstream's tools, prompts, resources and resource templates into the {@link ToolCatalog} (source
 * {@code upstream:<name>}). Tools and prompts are renamed {@code <name>__<original>} when the upstream is prefixed;
 * resource URIs are never rewritten (clients follow URIs found in tool results), so a resource's policy name is
 * {@code <name>__<uri>} (prefixed) or the bare URI, and a rule like {@code fs__*} covers all of fs's offers. Every
 * handler asks the upstream with the original name or URI. An entry another source already exposes is left out and
 * logged: the first source keeps it. Not thread-safe: {@link UpstreamConnection} synchronizes.
 */
final class UpstreamPublisher {

    private final UpstreamSpec spec;
    private final ToolCatalog catalog;
    private final UpstreamCalls calls;
    private final BoundSessions bound;
    private final org.slf4j.Logger log;
    private final Set<String> toolNames = new HashSet<>();

    UpstreamPublisher(UpstreamSpec spec, ToolCatalog catalog, UpstreamCalls calls, BoundSessions bound, org.slf4j.Logger log) {
        this.spec = spec;
        this.bound = bound;
        this.catalog = catalog;
        this.calls = calls;
        this.log = log;
    }

    void tools(List<Tool> tools) {
        List<CatalogTool> entries = new ArrayList<>();
        for (Tool tool : tools) {
            entries.add(entry(tool));
        }
        try {
            catalog.replaceSource(spec.source(), entries);
        } catch (IllegalArgumentException clash) {
            // Another source already exposes some of these names (unprefixed upstream next to built-in tools): keep theirs.
            List<CatalogTool> free = entries.stream()
                    .filter(e -> toolNames.contains(e.name()) || catalog.find(e.name()).isEmpty())
                    .toList();
            log.error("upstream {}: {} of its tools clash with other sources and are not exposed ({}); enable its prefix",
                    spec.name(), entries.size() - free.size(), clash.getMessage());
            catalog.replaceSource(spec.source(), free);
            entries = free;
        }
        toolNames.clear();
        entries.forEach(e -> toolNames.add(e.name()));
    }

    void offers(UpstreamSession.Offers offers) {
        List<CatalogPrompt> prompts = offers.prompts().stream().map(this::entry).toList();
        List<CatalogPrompt> shadowed = catalog.promptCatalog().replaceSource(spec.source(), prompts);
        if (!shadowed.isEmpty()) {
            log.error("upstream {}: prompts {} are already exposed by another source and are not exposed; enable its prefix",
                    spec.name(), shadowed.stream().map(CatalogPrompt::name).toList());
        }
        List<String> taken = catalog.resourceCatalog().replaceSource(spec.source(),
                offers.resources().stream().map(this::entry).toList(), offers.templates().stream().map(this::entry).toList());
        if (!taken.isEmpty()) {
            log.error("upstream {}: resources {} are already exposed by another source (URIs are not renamed); the first source keeps them",
                    spec.name(), taken);
        }
    }

    /** Takes everything of this upstream out of the catalog. */
    void clear() {
        catalog.replaceSource(spec.source(), List.of());
        catalog.promptCatalog().replaceSource(spec.source(), List.of());
        catalog.resourceCatalog().replaceSource(spec.source(), List.of(), List.of());
        toolNames.clear();
    }

    Set<String> toolNames() {
        return Set.copyOf(toolNames);
    }

    /** The catalog entry for an upstream tool: renamed if prefixed; its handler calls the upstream with the original name. */
    private CatalogTool entry(Tool tool) {
        String original = tool.name();
        Tool exposed = new Tool(spec.exposedName(original), tool.title(), tool.description(), tool.inputSchema(),
                tool.outputSchema(), tool.annotations(), tool.meta(), tool.icons());
        // The caller's token never goes upstream: the gateway's own credential, or (token exchange) one issued for the
        // caller, on the caller's own connection (CallerSessions). Otherwise a caller with a session is served on its
        // own connection (BoundSessions), so that all the upstream says while working reaches that caller; without a
        // session (or without room) on the shared connection.
        return new CatalogTool(exposed, call -> {
            McpSchema.CallToolResult result = bound.callTool(call.channel(), original, call.arguments(), call.meta());
            if (result != null) {
                return result;
            }
            Map<String, Object> shared = UpstreamCalls.sharedMeta(call.meta());
            return calls.call(call.caller(), original, call.arguments(), shared.isEmpty() ? null : shared);
        });
    }

    private CatalogPrompt entry(McpSchema.Prompt prompt) {
        String original = prompt.name();
        McpSchema.Prompt exposed = new McpSchema.Prompt(spec.exposedName(original), prompt.title(), prompt.description(),
                prompt.arguments(), prompt.meta(), prompt.icons());
        return new CatalogPrompt(exposed, new RelayedPrompt(bound, original, calls));
    }

    private CatalogResource entry(McpSchema.Resource resource) {
        return new CatalogResource(resource, spec.exposedName(resource.uri()), new RelayedReader(bound, calls));
    }

    private CatalogResourceTemplate entry(McpSchema.ResourceTemplate template) {
        return new CatalogResourceTemplate(template, spec::exposedName, new RelayedReader(bound, calls));
    }
}
