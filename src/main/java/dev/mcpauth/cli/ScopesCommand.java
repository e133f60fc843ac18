package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jwt.JWTParser;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.policy.Condition;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import dev.mcpauth.policy.RateLimit;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.gateway.ToolSources;
import dev.mcpauth.token.AccessTokenClaims;
import dev.mcpauth.tools.BuiltinTools;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcp-auth scopes}: which scopes each tool needs, and what a token may call. */
@Command(name = "scopes", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Show every built-in tool, upstream tool and tool rule with the scopes it needs (built-in defaults, upstream rules, the config file's policy, and --tool-scope), "
                + "the scope implications, the conditions on claims and arguments, and the rate limits.",
                "With --token, also whether that token's scopes (with the implications) and claims allow each (the token is decoded, not verified)."})
public final class ScopesCommand implements Callable<Integer> {

    @Mixin
    PolicyOptions policyOptions;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A token (or @FILE, or - for stdin) whose scopes to check against each tool.")
    String token;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    // Read before parsing, by the default-value provider (EnvDefaultProvider.forArgs); declared so picocli accepts it.
    @Option(names = "--config", paramLabel = "FILE", description = "Config file (YAML), as for serve: its policy and upstreams. Default: ./mcp-auth.yaml when present.")
    java.nio.file.Path config;

    @Option(names = "--upstream", paramLabel = "[NAME=]COMMAND|URL",
            description = "An upstream MCP server, as for serve (repeatable): it is started (or connected to) once to list its tools and their scopes.")
    List<String> upstreams = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ConfigSources sources = ((EnvDefaultProvider) spec.root().commandLine().getDefaultValueProvider()).sources();
        GatewayConfig.Policy configured = policyOptions.toPolicy(sources);
        Map<String, Set<String>> upstreamTools = upstreamTools(sources);
        Map<String, Set<String>> upstreamRules = new LinkedHashMap<>(upstreamTools);
        upstreamRules.values().removeIf(Set::isEmpty);
        Policy policy = Policy.of(BuiltinTools.defaultPolicy().with(upstreamRules).with(configured.toolScopes()).withDefaultScopes(configured.defaultScopes()),
                configured.implies(), configured.conditions(), configured.rateLimits());
        AccessToken caller = token == null ? null : decodedToken();
        Set<String> granted = caller == null ? null : caller.scopes();
        Set<String> names = new TreeSet<>(BuiltinTools.DEFAULT_SCOPES.keySet());
        names.addAll(upstreamTools.keySet());
        names.addAll(configured.toolScopes().keySet());
        names.addAll(configured.conditions().keySet());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String tool : names) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tool", tool);
            row.put("scopes", new TreeSet<>(policy.requiredScopes(tool)));
            Condition condition = policy.condition(tool).orElse(null);
            if (condition != null) {
                row.put("when", condition.source());
                row.put("when_reads", condition.claimsOnly() ? "claims" : "claims and arguments");
            }
            if (caller != null) {
                // As a list decides: scopes with the implications, and a condition on claims alone.
                row.put("allowed", policy.visible(caller, PolicyRequest.Kind.TOOL, tool));
            }
            rows.add(row);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("tools", rows);
            doc.put("default_scopes", new TreeSet<>(policy.scopes().defaultScopes()));
            doc.put("implies", policy.hierarchy().implies());
            doc.put("rate_limits", policy.rateLimits().stream().map(ScopesCommand::limitRow).toList());
            if (granted != null) {
                doc.put("token_scopes", new TreeSet<>(granted));
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            printTable(out, rows, granted != null);
            out.println();
            out.println("Tools no rule names need: " + (policy.scopes().defaultScopes().isEmpty() ? "(any valid token)"
                    : String.join(" ", new TreeSet<>(policy.scopes().defaultScopes()))));
            printRules(out, policy, rows);
            if (granted != null) {
                out.println("Token scopes: " + (granted.isEmpty() ? "(none)" : String.join(" ", new TreeSet<>(granted))) + "  (decoded, not verified)");
            }
        }
        return 0;
    }

    /** The tools of the config file's and --upstream's servers, each with its upstream rules; none when there are none. */
    private Map<String, Set<String>> upstreamTools(ConfigSources sources) throws InterruptedException {
        List<GatewayConfig.UpstreamConfig> all = new ArrayList<>(FileSections.upstreams(sources));
        for (int i = 0; i < upstreams.size(); i++) {
            all.add(UpstreamArgument.parse(upstreams.get(i), "u" + (i + 1)));
        }
        return all.isEmpty() ? Map.of() : ToolSources.upstreamTools(all);
    }

    private static Map<String, Object> limitRow(RateLimit limit) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", limit.name());
        row.put("tools", limit.tools());
        row.put("limit", limit.describe());
        return row;
    }

    private static void printRules(PrintWriter out, Policy policy, List<Map<String, Object>> rows) {
        policy.hierarchy().implies().forEach((broader, narrower) ->
                out.println("Scope " + broader + " implies: " + String.join(" ", new TreeSet<>(narrower))));
        for (Map<String, Object> r : rows) {
            if (r.containsKey("when")) {
                out.println("Condition on " + r.get("tool") + " (reads " + r.get("when_reads") + "): " + r.get("when")
                        + ("claims".equals(r.get("when_reads")) ? "" : "  (checked per call)"));
            }
        }
        policy.rateLimits().forEach(l -> out.println("Rate limit " + l.name() + " on " + l.tools() + ": " + l.describe()));
    }

    private AccessToken decodedToken() {
        try {
            return AccessTokenClaims.toAccessToken(JWTParser.parse(TokenInput.read(token, System.in)).getJWTClaimsSet().toJSONObject(), null);
        } catch (java.text.ParseException e) {
            throw new CliFailure("--token is not a JWT: " + e.getMessage(), Main.EXIT_USAGE);
        }
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintWriter out, List<Map<String, Object>> rows, boolean withAllowed) {
        int width = rows.stream().mapToInt(r -> ((String) r.get("tool")).length()).max().orElse(4);
        width = Math.max(width, 4);
        out.printf("%-" + width + "s  " + (withAllowed ? "%-8s  " : "") + "%s%n", withAllowed ? new Object[] {"TOOL", "ALLOWED", "SCOPES"} : new Object[] {"TOOL", "SCOPES"});
        for (Map<String, Object> r : rows) {
            Set<String> scopes = (Set<String>) r.get("scopes");
            String scopeText = scopes.isEmpty() ? "(any valid token)" : String.join(" ", scopes);
            if (withAllowed) {
                out.printf("%-" + width + "s  %-8s  %s%n", r.get("tool"), (Boolean) r.get("allowed") ? "yes" : "no", scopeText);
            } else {
                out.printf("%-" + width + "s  %s%n", r.get("tool"), scopeText);
            }
        }
    }
}
