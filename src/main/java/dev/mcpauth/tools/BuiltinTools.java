package dev.mcpauth.tools;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCatalog;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.ScopePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Creates every built-in tool, and holds the scopes each needs by default. */
public final class BuiltinTools {

    /** The catalog source name the built-in tools are registered under ({@link ToolCatalog#replaceSource}). */
    public static final String SOURCE = "builtin";

    public static final String READ_FILES = "read:files";
    public static final String EXECUTE_COMMANDS = "execute:commands";
    public static final String READ_USER = "read:user";
    public static final String MATH_CALCULATE = "math:calculate";

    /** Default scopes per tool; the server tools need none beyond a valid token. */
    public static final Map<String, Set<String>> DEFAULT_SCOPES = defaultScopes();

    private BuiltinTools() {
    }

    /** A policy with {@link #DEFAULT_SCOPES}; tools it does not name need no scope. */
    public static ScopePolicy defaultPolicy() {
        return ScopePolicy.of(DEFAULT_SCOPES, Set.of());
    }

    /**
     * Every built-in tool. {@code execute_command} is left out when the allowlist is empty.
     *
     * @param catalog                   the catalog the tools will be registered in (read at call time by the server tools)
     * @param policy                    the policy that guards calls (shown by {@code list_tool_scopes})
     * @param protectedResourceMetadata the RFC 9728 document returned by {@code get_oauth_metadata}
     */
    public static List<CatalogTool> create(BuiltinToolsConfig config, ToolCatalog catalog, Policy policy, ServerInfo serverInfo,
                                           Supplier<Map<String, Object>> protectedResourceMetadata) {
        FileTools files = new FileTools(config.filesRoot());
        List<CatalogTool> tools = new ArrayList<>(files.tools());
        if (!config.commandAllowlist().isEmpty()) {
            tools.addAll(new CommandTools(files.root(), config.commandAllowlist(), config.commandTimeout(), config.outputCapBytes()).tools());
        }
        tools.addAll(new UserTools().tools());
        tools.addAll(new MathTools().tools());
        tools.addAll(new ServerTools(serverInfo, catalog, policy, protectedResourceMetadata).tools());
        return List.copyOf(tools);
    }

    private static Map<String, Set<String>> defaultScopes() {
        Map<String, Set<String>> scopes = new LinkedHashMap<>();
        scopes.put(FileTools.LIST_FILES, Set.of(READ_FILES));
        scopes.put(CommandTools.EXECUTE_COMMAND, Set.of(EXECUTE_COMMANDS));
        scopes.put(UserTools.GET_USER_INFO, Set.of(READ_USER));
        scopes.put(MathTools.ADD_NUMBERS, Set.of(MATH_CALCULATE));
        scopes.put(MathTools.MULTIPLY_NUMBERS, Set.of(MATH_CALCULATE));
        scopes.put(ServerTools.GET_SERVER_INFO, Set.of());
        scopes.put(ServerTools.HEALTH_CHECK, Set.of());
        scopes.put(ServerTools.GET_OAUTH_METADATA, Set.of());
        scopes.put(ServerTools.LIST_TOOL_SCOPES, Set.of());
        return Collections.unmodifiableMap(scopes);
    }
}
