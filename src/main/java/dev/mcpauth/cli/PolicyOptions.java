package dev.mcpauth.cli;

import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** Per-tool scope rules: shared by {@code serve} and {@code scopes}. Flags win over the config file's {@code policy}. */
public final class PolicyOptions {

    @Option(names = "--tool-scope", paramLabel = "TOOL=SCOPES", description = "Scopes a tool (or a pattern such as 'fs__*') needs, space or comma separated; repeatable. Overrides the built-in defaults and the config file.")
    List<String> toolScopes = new ArrayList<>();

    @Option(names = "--default-scope", paramLabel = "SCOPE", split = ",", description = "Scopes needed by tools no rule names. Default: none (any valid token). Env: MCP_AUTH_DEFAULT_SCOPE.")
    List<String> defaultScopes = new ArrayList<>();

    GatewayConfig.Policy toPolicy(ConfigSources sources) {
        Map<String, Set<String>> rules = new LinkedHashMap<>(FileSections.toolScopes(sources));
        rules.putAll(parse(toolScopes));
        Set<String> defaults = defaultScopes.isEmpty() ? FileSections.defaultScopes(sources) : new LinkedHashSet<>(defaultScopes);
        return new GatewayConfig.Policy(rules, defaults);
    }

    static Map<String, Set<String>> parse(List<String> rules) {
        Map<String, Set<String>> parsed = new LinkedHashMap<>();
        for (String rule : rules) {
            int eq = rule.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--tool-scope must look like TOOL=SCOPE[ SCOPE...], got '" + rule + "'");
            }
            Set<String> scopes = new LinkedHashSet<>();
            for (String s : rule.substring(eq + 1).split("[ ,]+")) {
                if (!s.isBlank()) {
                    scopes.add(s);
                }
            }
            parsed.put(rule.substring(0, eq).strip(), scopes);
        }
        return parsed;
    }
}
