package dev.mcpauth.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running SDK MCP server whose tools follow the {@link ToolCatalog}: on every catalog change, tools that are gone
 * are removed and new or redescribed ones added, and the SDK tells connected clients
 * ({@code notifications/tools/list_changed}). Handlers look the tool up in the catalog at call time, so a source
 * that only replaces handlers (an upstream reconnecting) causes no notification. Build with {@link McpServerFactory}.
 */
public final class GatewayMcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayMcpServer.class);

    private final ToolCatalog catalog;
    private final Consumer<McpSchema.Tool> addTool;
    private final Consumer<String> removeTool;
    private final Runnable close;
    private final Runnable listener = this::syncTools;
    private final Map<String, McpSchema.Tool> exposed = new HashMap<>();

    GatewayMcpServer(ToolCatalog catalog, Map<String, McpSchema.Tool> initial, Consumer<McpSchema.Tool> addTool,
            Consumer<String> removeTool, Runnable close) {
        this.catalog = catalog;
        this.addTool = addTool;
        this.removeTool = removeTool;
        this.close = close;
        exposed.putAll(initial);
        catalog.addListener(listener);
        // Catches a change made between the server's build and the listener's registration.
        syncTools();
    }

    /** Brings the SDK server's tool set in line with the catalog. */
    synchronized void syncTools() {
        Map<String, McpSchema.Tool> wanted = new HashMap<>();
        catalog.tools().forEach(t -> wanted.put(t.name(), t.tool()));
        for (String name : Map.copyOf(exposed).keySet()) {
            if (!wanted.containsKey(name)) {
                removeTool.accept(name);
                exposed.remove(name);
            }
        }
        wanted.forEach((name, tool) -> {
            if (!tool.equals(exposed.get(name))) {
                addTool.accept(tool);
                exposed.put(name, tool);
            }
        });
        log.debug("exposing {} tools", exposed.size());
    }

    /** Stops following the catalog and closes the server's sessions. */
    @Override
    public void close() {
        catalog.removeListener(listener);
        close.run();
    }
}
