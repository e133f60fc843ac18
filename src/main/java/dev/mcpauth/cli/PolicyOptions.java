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

/** Per-tool scope rules and scope implications: shared by {@code serve} and {@code scopes}. Flags win over the config file's {@code policy}. */
public final class PolicyOptions {

    @Option(names = "--tool-scope", paramLabel = "TOOL=SCOPES", description = "Scopes a tool (or a pattern such as 'fs__*') needs, space or comma separated; repeatable. Overrides the built-in defaults and the config file.")
    List<String> toolScopes = new ArrayList<>();

    @Option(names = "--default-scope", paramLabel = "SCOPE", split = ",", description = "Scopes needed by tools no rule names. Default: none (any valid token).")
    List<String> defaultScopes = new ArrayList<>();

    @Option(names = "--scope-implies", paramLabel = "SCOPE=SCOPES", description = "A broader scope and the narrower scopes it implies, space or comma separated (admin=files:write,commands:execute); repeatable. Adds to (and per scope overrides) the config file's policy.implies.")
    List<String> scopeImplies = new ArrayList<>();

    GatewayConfig.Policy toPolicy(ConfigSources sources) {
        Map<String, Set<String>> rules = new LinkedHashMap<>(FileSections.toolScopes(sources));
        rules.putAll(parse(toolScopes, "--tool-scope", "TOOL"));
        Set<String> defaults = defaultScopes.isEmpty() ? FileSections.defaultScopes(sources) : new LinkedHashSet<>(defaultScopes);
        return new GatewayConfig.Policy(rules, defaults, FileSections.implies(sources, parse(scopeImplies, "--scope-implies", "SCOPE")),
                FileSections.conditions(sources), FileSections.rateLimits(sources));
    }

    private static Map<String, Set<String>> parse(List<String> rules, String option, String key) {
        Map<String, Set<String>> parsed = new LinkedHashMap<>();
        for (String rule : rules) {
            int eq = rule.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(option + " must look like " + key + "=SCOPE[ SCOPE...], got '" + rule + "'");
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
