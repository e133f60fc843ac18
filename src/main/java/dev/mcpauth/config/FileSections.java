package dev.mcpauth.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.policy.Condition;
import dev.mcpauth.policy.RateLimit;
import dev.mcpauth.policy.ScopeHierarchy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The structured sections of {@code mcp-auth.yaml}, which have no flag of their own:
 * <pre>
 * policy:
 *   default-scopes: [mcp:tools]          # for tools no rule names
 *   implies:                             # a broader scope implies narrower ones (MCP 2026-07-28)
 *     admin: [files:write, commands:execute]
 *     files:write: files:read
 *   tools:
 *     list_files: read:files             # a string (space separated) or a list
 *     "fs__*": [read:files]
 *     write_file:                        # the long form: scopes, and a CEL condition over claims and args
 *       scopes: files:write
 *       when: 'args.path.startsWith("/srv/" + claims.sub)'
 *       message: "you may only write under /srv/your-name"
 *   rate-limits:
 *     - {name: fs-calls, tools: "fs__*", per: subject, calls: 60, window: 1m, concurrent: 4}
 * upstreams:
 *   - name: fs
 *     command: [npx, -y, "@modelcontextprotocol/server-filesystem", /srv/data]
 *     tools: {"write_*": files:write}    # rules for this upstream's tools, by their own names
 *     call-timeout: 60s
 *     max-concurrent-calls: 16
 *   - name: remote
 *     url: https://mcp.example.com/mcp
 *     bearer-token: ...                   # the gateway's own credential, never the caller's
 *   - name: billing
 *     url: https://billing.example.com/mcp
 *     client-credentials: {token-endpoint: https://as.example.com/token, client-id: gw, client-secret: ..., scope: "billing:read"}
 *   - name: crm                           # acts as the caller: its token exchanged (RFC 8693) for one bound to crm
 *     url: https://crm.example.com/mcp
 *     token-exchange: {token-endpoint: https://as.example.com/token, client-id: gw, client-secret: "env:CRM_EXCHANGE_SECRET", audience: crm}
 * </pre>
 */
public final class FileSections {

    private static final ConfigSchema.Shape SCOPES = new ConfigSchema.Values("a scope string or a list of scopes");
    private static final ConfigSchema.Shape TOOL_RULES = new ConfigSchema.Entries("tool names (or patterns such as 'fs__*')", SCOPES);
    private static final ConfigSchema.Shape ONE = new ConfigSchema.Value("one value");

    /**
     * The shape of every section, the one place a section's keys are known: {@link ConfigSchema} refuses any other
     * key, at any depth, with the file, line and nearest valid key. A new section (or key) is one entry here.
     */
    public static final Map<String, ConfigSchema.Shape> SECTIONS = Map.of(
            "policy", new ConfigSchema.Mapping(Map.of(
                    "default-scopes", SCOPES,
                    "implies", new ConfigSchema.Entries("broader scopes", new ConfigSchema.Values("the narrower scopes it implies")),
                    "tools", new ConfigSchema.Entries("tool names (or patterns such as 'fs__*')", new ConfigSchema.ValuesOrMapping(
                            new ConfigSchema.Values("a scope string or a list of scopes"),
                            new ConfigSchema.Mapping(Map.of("scopes", SCOPES, "when", ONE, "message", ONE)))),
                    "rate-limits", new ConfigSchema.ListOf(new ConfigSchema.Mapping(Map.of(
                            "name", ONE, "tools", ONE, "per", ONE, "calls", ONE, "window", ONE, "concurrent", ONE))))),
            "upstreams", new ConfigSchema.ListOf(new ConfigSchema.Mapping(Map.of(
                    "name", ONE,
                    "command", new ConfigSchema.Values("a command line or a list of its words"),
                    "url", ONE,
                    "bearer-token", ONE,
                    "client-credentials", new ConfigSchema.Mapping(Map.of(
                            "token-endpoint", ONE, "client-id", ONE, "client-secret", ONE, "scope", ONE)),
                    "token-exchange", new ConfigSchema.Mapping(Map.of(
                            "token-endpoint", ONE, "client-id", ONE, "client-secret", ONE, "audience", ONE, "scope", ONE)),
                    "tools", TOOL_RULES,
                    "call-timeout", ONE,
                    "max-concurrent-calls", ONE,
                    "protocol", ONE))),
            IssuerSections.SECTION, IssuerSections.SHAPE,
            "commands", new ConfigSchema.Entries("program names", new ConfigSchema.ValuesOrMapping(
                    new ConfigSchema.Values("an argument pattern or a list of them"),
                    new ConfigSchema.Mapping(Map.of("args", new ConfigSchema.Values("an argument pattern or a list of them"), "max-args", ONE)))));

    private FileSections() {
    }

    /** Tool rules of the {@code policy} section (empty when absent); a rule with only a condition names no scopes. */
    public static Map<String, Set<String>> toolScopes(ConfigSources sources) {
        return sources.section("policy").map(p -> scopeMap("policy.tools", p.get("tools"))).orElse(Map.of());
    }

    /** {@code policy.implies}: broader scope → the narrower scopes it implies; a cycle is refused, naming it. */
    public static ScopeHierarchy implies(ConfigSources sources, Map<String, Set<String>> fromFlags) {
        JsonNode node = sources.section("policy").map(p -> p.get("implies")).orElse(null);
        return PolicySections.implies("policy.implies", node, fromFlags);
    }

    /** The {@code when} conditions of {@code policy.tools}, compiled (a bad expression is refused with its position). */
    public static Map<String, Condition> conditions(ConfigSources sources) {
        return PolicySections.conditions("policy.tools", sources.section("policy").map(p -> p.get("tools")).orElse(null));
    }

    /** {@code policy.rate-limits}. */
    public static List<RateLimit> rateLimits(ConfigSources sources) {
        return PolicySections.rateLimits("policy.rate-limits", sources.section("policy").map(p -> p.get("rate-limits")).orElse(null));
    }

    public static Set<String> defaultScopes(ConfigSources sources) {
        return sources.section("policy").map(p -> scopes("policy.default-scopes", p.get("default-scopes"))).orElse(Set.of());
    }

    public static List<GatewayConfig.UpstreamConfig> upstreams(ConfigSources sources) {
        JsonNode section = sources.section("upstreams").orElse(null);
        if (section == null || section.isNull()) {
            return List.of();
        }
        if (!section.isArray()) {
            throw new ConfigException("upstreams in the config file must be a list of {name, command | url}");
        }
        List<GatewayConfig.UpstreamConfig> upstreams = new ArrayList<>();
        for (JsonNode u : section) {
            String name = u.path("name").asText("");
            String where = "upstreams[" + upstreams.size() + "]";
            if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new ConfigException(where + ".name must be 1-32 letters, digits, '-' or '_', got '" + name + "'");
            }
            List<String> command = new ArrayList<>();
            JsonNode cmd = u.get("command");
            if (cmd != null && cmd.isArray()) {
                cmd.forEach(c -> command.add(c.asText()));
            } else if (cmd != null && cmd.isTextual()) {
                command.addAll(List.of(cmd.asText().trim().split("\\s+")));
            }
            URI url = u.hasNonNull("url") ? GatewayConfig.uri(where + ".url", u.get("url").asText()) : null;
            if (command.isEmpty() == (url == null)) {
                throw new ConfigException(where + " (" + name + ") needs exactly one of command or url");
            }
            upstreams.add(new GatewayConfig.UpstreamConfig(name, List.copyOf(command), url,
                    auth(where, u),
                    scopeMap(where + ".tools", u.get("tools")),
                    u.hasNonNull("call-timeout") ? Durations.parse(where + ".call-timeout", u.get("call-timeout").asText()) : Duration.ofSeconds(60),
                    maxConcurrentCalls(where, u),
                    tokenExchange(where, u, sources),
                    protocol(where, u)));
        }
        return upstreams;
    }

    /** {@code max-concurrent-calls}: 1-1024, 16 when absent; anything else is refused, never read as the default. */
    private static int maxConcurrentCalls(String where, JsonNode u) {
        JsonNode n = u.get("max-concurrent-calls");
        if (n == null || n.isNull()) {
            return 16;
        }
        String text = n.asText();
        int calls = text.matches("[0-9]{1,4}") ? Integer.parseInt(text) : 0;
        if (calls < 1 || calls > 1024) {
            throw new ConfigException(where + ".max-concurrent-calls must be a whole number from 1 to 1024, got '" + text + "'");
        }
        return calls;
    }

    /**
     * {@code protocol}: which MCP era to speak to an HTTP upstream (auto, 2026-07-28 or legacy; the words are
     * UpstreamSpec.Era's, checked when the upstream is built). Over stdio the child's own era is always negotiated.
     */
    private static String protocol(String where, JsonNode u) {
        JsonNode n = u.get("protocol");
        if (n == null || n.isNull()) {
            return "auto";
        }
        if (!u.hasNonNull("url")) {
            throw new ConfigException(where + ".protocol applies to HTTP upstreams (url) only");
        }
        return n.asText();
    }

    /** {@code token-exchange}: on the caller's behalf (RFC 8693), HTTP upstreams only; the secret by reference. */
    private static GatewayConfig.TokenExchange tokenExchange(String where, JsonNode u, ConfigSources sources) {
        JsonNode te = u.get("token-exchange");
        if (te == null || te.isNull()) {
            return null;
        }
        if (!u.hasNonNull("url")) {
            throw new ConfigException(where + ".token-exchange applies to HTTP upstreams (url) only");
        }
        for (String key : List.of("token-endpoint", "client-id", "client-secret")) {
            if (!te.hasNonNull(key)) {
                throw new ConfigException(where + ".token-exchange needs " + key);
            }
        }
        return new GatewayConfig.TokenExchange(GatewayConfig.uri(where + ".token-exchange.token-endpoint", te.get("token-endpoint").asText()),
                te.get("client-id").asText(), SecretReference.resolve(where + ".token-exchange.client-secret", te.get("client-secret").asText(), sources),
                te.hasNonNull("audience") ? te.get("audience").asText() : null, te.hasNonNull("scope") ? te.get("scope").asText() : null);
    }

    private static GatewayConfig.UpstreamAuth auth(String where, JsonNode u) {
        JsonNode cc = u.get("client-credentials");
        if (u.hasNonNull("bearer-token") && cc != null) {
            throw new ConfigException(where + " gives both bearer-token and client-credentials; choose one");
        }
        if (u.hasNonNull("bearer-token")) {
            return GatewayConfig.UpstreamAuth.bearer(u.get("bearer-token").asText());
        }
        if (cc == null || cc.isNull()) {
            return null;
        }
        for (String key : List.of("token-endpoint", "client-id", "client-secret")) {
            if (!cc.hasNonNull(key)) {
                throw new ConfigException(where + ".client-credentials needs " + key);
            }
        }
        return new GatewayConfig.UpstreamAuth(null, GatewayConfig.uri(where + ".client-credentials.token-endpoint", cc.get("token-endpoint").asText()),
                cc.get("client-id").asText(), cc.get("client-secret").asText(), cc.hasNonNull("scope") ? cc.get("scope").asText() : null);
    }

    static Map<String, Set<String>> scopeMap(String where, JsonNode node) {
        Map<String, Set<String>> rules = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return rules;
        }
        if (!node.isObject()) {
            throw new ConfigException(where + " must map tool names (or patterns) to scopes");
        }
        node.fields().forEachRemaining(e -> {
            JsonNode value = e.getValue();
            if (value != null && value.isObject()) {
                // The long form {scopes, when, message}: without scopes, the rule adds a condition and leaves the scopes be.
                if (value.has("scopes")) {
                    rules.put(e.getKey(), scopes(where + "." + e.getKey() + ".scopes", value.get("scopes")));
                }
            } else {
                rules.put(e.getKey(), scopes(where + "." + e.getKey(), value));
            }
        });
        return rules;
    }

    static Set<String> scopes(String where, JsonNode node) {
        Set<String> scopes = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return scopes;
        }
        if (node.isTextual()) {
            for (String s : node.asText().split("[ ,]+")) {
                if (!s.isBlank()) {
                    scopes.add(s);
                }
            }
        } else if (node.isArray()) {
            node.forEach(s -> scopes.add(s.asText()));
        } else {
            throw new ConfigException(where + " must be a scope string or a list of scopes");
        }
        return scopes;
    }
}
