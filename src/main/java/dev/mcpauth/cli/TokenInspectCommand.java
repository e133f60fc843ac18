package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mcp-auth token inspect}: shows what a JWT says, without verifying it. */
@Command(name = "inspect", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Decode a JWT WITHOUT verifying it: a summary (issuer, subject, client, audience, scope, times, the other claims),"
                + " or with --json the header and claims as JSON, times made readable, expiry marked.",
                "Use 'token verify' to check a token."})
public final class TokenInspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOKEN", description = "The token, @FILE or a file path, or - to read stdin.")
    String token;

    @Option(names = "--json", description = "Print only the JSON document (header, claims, times, expired).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String raw = TokenInput.read(token, System.in);
        JWT jwt;
        try {
            jwt = JWTParser.parse(raw);
        } catch (java.text.ParseException e) {
            throw new CliFailure("not a JWT: " + e.getMessage());
        }
        Map<String, Object> claims = jwt.getJWTClaimsSet().toJSONObject();
        Instant now = Instant.now();
        Map<String, Object> times = new LinkedHashMap<>();
        for (String claim : new String[] {"iat", "nbf", "exp"}) {
            Object v = claims.get(claim);
            if (v instanceof Number n) {
                Instant at = Instant.ofEpochSecond(n.longValue());
                times.put(claim, at + " (" + relative(now, at) + ")");
            }
        }
        Object exp = claims.get("exp");
        boolean expired = exp instanceof Number n && !now.isBefore(Instant.ofEpochSecond(n.longValue()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("header", jwt.getHeader().toJSONObject());
        doc.put("claims", claims);
        doc.put("times", times);
        doc.put("expired", expired);
        doc.put("verified", false);
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            spec.commandLine().getOut().println(mapper.writeValueAsString(doc));
        } else {
            spec.commandLine().getOut().print(summary(jwt, claims, times, expired));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The human view: who, for whom, what, until when, one line each; every other claim after. */
    private static String summary(JWT jwt, Map<String, Object> claims, Map<String, Object> times, boolean expired) {
        StringBuilder out = new StringBuilder();
        out.append(expired ? "EXPIRED" : "not expired").append(" - signature NOT checked (use 'mcp-auth token verify')\n");
        line(out, "algorithm", jwt.getHeader().getAlgorithm() + (jwt.getHeader().toJSONObject().get("kid") instanceof String kid ? " (kid " + kid + ")" : ""));
        line(out, "issuer", claims.get("iss"));
        line(out, "subject", claims.get("sub"));
        line(out, "client", claims.containsKey("client_id") ? claims.get("client_id") : claims.get("azp"));
        line(out, "audience", claims.get("aud"));
        line(out, "scope", claims.containsKey("scope") ? claims.get("scope") : claims.get("scp"));
        times.forEach((claim, when) -> line(out, switch (claim) {
            case "iat" -> "issued";
            case "nbf" -> "not before";
            default -> "expires";
        }, when));
        Map<String, Object> rest = new java.util.TreeMap<>(claims);
        java.util.List.of("iss", "sub", "client_id", "azp", "aud", "scope", "scp", "iat", "nbf", "exp").forEach(rest::remove);
        rest.forEach((name, value) -> line(out, name, value));
        return out.toString();
    }

    private static void line(StringBuilder out, String label, Object value) {
        if (value != null) {
            String shown = value instanceof java.util.Collection<?> c ? String.join(" ", c.stream().map(String::valueOf).toList()) : String.valueOf(value);
            out.append(String.format("  %-11s %s%n", label + ":", shown));
        }
    }

    static String relative(Instant now, Instant at) {
        Duration d = Duration.between(now, at);
        String amount = human(d.abs());
        return d.isNegative() ? amount + " ago" : "in " + amount;
    }

    private static String human(Duration d) {
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }
}
