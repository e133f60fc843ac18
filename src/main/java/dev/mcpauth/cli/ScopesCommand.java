package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jwt.JWTParser;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.policy.ScopePolicy;
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
        description = {"Show every built-in tool and tool rule with the scopes it needs (built-in defaults, the config file's policy, and --tool-scope).",
                "With --token, also whether that token's scopes allow each (the token is decoded, not verified)."})
public final class ScopesCommand implements Callable<Integer> {

    @Mixin
    PolicyOptions policyOptions;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A token (or @FILE, or - for stdin) whose scopes to check against each tool.")
    String token;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GatewayConfig.Policy configured = policyOptions.toPolicy(((EnvDefaultProvider) spec.root().commandLine().getDefaultValueProvider()).sources());
        ScopePolicy policy = BuiltinTools.defaultPolicy().with(configured.toolScopes()).withDefaultScopes(configured.defaultScopes());
        Set<String> granted = token == null ? null : tokenScopes();
        Set<String> names = new TreeSet<>(BuiltinTools.DEFAULT_SCOPES.keySet());
        names.addAll(configured.toolScopes().keySet());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String tool : names) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tool", tool);
            row.put("scopes", new TreeSet<>(policy.requiredScopes(tool)));
            if (granted != null) {
                row.put("allowed", policy.permits(tool, granted));
            }
            rows.add(row);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("tools", rows);
            doc.put("default_scopes", new TreeSet<>(policy.defaultScopes()));
            if (granted != null) {
                doc.put("token_scopes", new TreeSet<>(granted));
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            printTable(out, rows, granted != null);
            out.println();
            out.println("Tools no rule names need: " + (policy.defaultScopes().isEmpty() ? "(any valid token)" : String.join(" ", new TreeSet<>(policy.defaultScopes()))));
            if (granted != null) {
                out.println("Token scopes: " + (granted.isEmpty() ? "(none)" : String.join(" ", new TreeSet<>(granted))) + "  (decoded, not verified)");
            }
        }
        return 0;
    }

    private Set<String> tokenScopes() {
        try {
            return AccessTokenClaims.toAccessToken(JWTParser.parse(TokenInput.read(token, System.in)).getJWTClaimsSet().toJSONObject(), null).scopes();
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
