package dev.mcpauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.config.ConfigException;
import dev.mcpauth.config.ConfigSources;
import dev.mcpauth.config.Durations;
import dev.mcpauth.config.FileSections;
import dev.mcpauth.config.GatewayConfig;
import dev.mcpauth.gateway.Verifiers;
import dev.mcpauth.policy.ScopeHierarchy;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.IssuerDiscovery;
import dev.mcpauth.token.TokenRejected;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcp-auth doctor}: checks a configuration before {@code serve} meets real traffic (the issuer answers, its
 * JWKS has keys, the introspection endpoint accepts our credentials, a sample token passes, the port is free), and
 * reports each check with a hint on how to fix it.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Check a configuration: reach the issuer, fetch the JWKS, call the introspection endpoint, "
                + "validate a sample token if one is given, and check that the port is free.",
                "Takes the same token-validation options, environment and config file as 'serve'."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed (or was skipped)", "1:at least one check failed (see its hint)", "2:invalid usage"})
public final class DoctorCommand implements Callable<Integer> {

    enum Status { PASS, FAIL, SKIP }

    /** The checks --skip accepts. */
    static final List<String> SKIPPABLE = List.of("port");

    /** One line of the report. */
    record Check(String name, Status status, String detail, String hint) {
        static Check pass(String name, String detail) {
            return new Check(name, Status.PASS, detail, null);
        }

        static Check fail(String name, String detail, String hint) {
            return new Check(name, Status.FAIL, detail, hint);
        }

        static Check skip(String name, String detail) {
            return new Check(name, Status.SKIP, detail, null);
        }
    }

    /** Created on first use, not when picocli builds the command tree: Jackson's set-up delayed every {@code --help}. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** Read before parsing by {@link EnvDefaultProvider}, which feeds its settings to every option below. */
    @Option(names = "--config", paramLabel = "FILE", description = "Config file (YAML) to check. Default: ./mcp-auth.yaml when present.")
    java.nio.file.Path config;

    @Mixin
    VerifierOptions verifier;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address serve would bind. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8001", description = "Port serve would listen on. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--mcp-path", defaultValue = "/mcp", description = "Path of the MCP endpoint. Default: ${DEFAULT-VALUE}.")
    String mcpPath;

    @Option(names = "--public-url", paramLabel = "URL", description = "Origin clients reach serve at (behind a proxy).")
    String publicUrl;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A sample access token to validate exactly as serve would: the token, @FILE, or - for stdin.")
    String token;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", description = "Time limit of each network check. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--json", description = "Print the checks as JSON.")
    boolean json;

    @Option(names = "--skip", paramLabel = "CHECK", split = ",", description = "Checks not to run, comma-separated or repeated: port (e.g. against a serve that is running).")
    List<String> skip = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration limit = Durations.parse("--timeout", timeout);
        for (String name : skip) {
            if (!SKIPPABLE.contains(name)) {
                throw new ConfigException("--skip " + name + ": unknown check; checks that can be skipped: " + String.join(", ", SKIPPABLE));
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(limit).followRedirects(HttpClient.Redirect.NEVER).build();
        String resource = new GatewayConfig.Listener(host, port, mcpPath, publicUrl, false).resourceUrl(port);
        List<Check> checks = new ArrayList<>();
        ConfigException unreadable = spec.root().commandLine().getDefaultValueProvider() instanceof EnvDefaultProvider defaults
                ? defaults.loadFailure() : null;
        if (unreadable != null) {
            // Every other check would run with settings other than serve's: report this one alone.
            checks.add(Check.fail("config", unreadable.getMessage(),
                    "serve refuses this configuration too: fix the key or line named above (mcp-auth.yaml, .env)"));
            print(checks);
            return Main.EXIT_FAILURE;
        }
        GatewayConfig.Auth auth = configuration(checks);
        if (auth != null) {
            URI jwksUri = auth instanceof GatewayConfig.Jwks j ? j.jwksUri() : null;
            if (verifier.issuer != null) {
                jwksUri = issuer(checks, http, limit, jwksUri);
            }
            if (jwksUri != null) {
                checks.add(jwks(http, limit, jwksUri));
            }
            if (auth instanceof GatewayConfig.Introspection i) {
                checks.add(introspection(http, limit, i));
            }
            checks.add(sampleToken(auth, resource));
        }
        checks.add(policy());
        checks.add(skip.contains("port") ? Check.skip("port", "skipped (--skip port)") : port(http, limit));
        print(checks);
        return checks.stream().anyMatch(c -> c.status() == Status.FAIL) ? Main.EXIT_FAILURE : 0;
    }

    /** The token-validation options form one valid configuration; null when they do not. */
    private GatewayConfig.Auth configuration(List<Check> checks) {
        if (!verifier.anyGiven()) {
            checks.add(Check.pass("config", "no token-validation option: serve would run its embedded authorization server"));
            return null;
        }
        try {
            GatewayConfig.Auth auth = verifier.auth(false, false, null);
            verifier.checks();
            checks.add(Check.pass("config", describe(auth)));
            if (auth instanceof GatewayConfig.SharedSecret s && s.secret().length < 32) {
                checks.add(Check.fail("secret", s.secret().length + " bytes",
                        "HS256 needs a secret of at least 32 bytes (RFC 7518 section 3.2): e.g. head -c 32 /dev/urandom | base64"));
            }
            return auth;
        } catch (ConfigException | IllegalArgumentException e) {
            checks.add(Check.fail("config", e.getMessage(), "fix the setting named above (flag, MCP_AUTH_* variable, .env or mcp-auth.yaml)"));
            return null;
        }
    }

    /** The config file's policy: implications without a cycle, conditions that compile, limits that limit something. */
    private Check policy() {
        if (!(spec.root().commandLine().getDefaultValueProvider() instanceof EnvDefaultProvider defaults)) {
            return Check.skip("policy", "no configuration sources");
        }
        try {
            ConfigSources sources = defaults.sources();
            ScopeHierarchy implies = FileSections.implies(sources, Map.of());
            List<String> parts = new ArrayList<>();
            implies.implies().forEach((broader, narrower) -> parts.add(broader + " implies " + String.join(" ", new java.util.TreeSet<>(narrower))));
            FileSections.conditions(sources).forEach((tool, c) ->
                    parts.add(tool + " when " + c.source() + (c.claimsOnly() ? " (claims only: also hides it from lists)" : "")));
            FileSections.rateLimits(sources).forEach(l -> parts.add("rate limit " + l.name() + " on " + l.tools() + ": " + l.describe()));
            return Check.pass("policy", parts.isEmpty() ? "scopes only (no implications, conditions or rate limits)" : String.join("; ", parts));
        } catch (ConfigException e) {
            return Check.fail("policy", e.getMessage(), "serve refuses this policy too: fix the key named above in mcp-auth.yaml");
        }
    }

    private static String describe(GatewayConfig.Auth auth) {
        return switch (auth) {
            case GatewayConfig.SharedSecret s -> "shared-secret JWTs (HS256/384/512)";
            case GatewayConfig.Jwks j -> "JWTs checked against " + (j.jwksUri() != null ? "the JWKS " + j.jwksUri() : "the issuer's JWKS");
            case GatewayConfig.Introspection i -> "RFC 7662 introspection at " + i.endpoint();
            case GatewayConfig.EmbeddedAuthServer e -> "the embedded authorization server";
            case GatewayConfig.Issuers several -> several.describe();
        };
    }

    /** RFC 8414 / OIDC discovery of the issuer; returns the JWKS URL to check (the given one wins). */
    private URI issuer(List<Check> checks, HttpClient http, Duration limit, URI given) {
        try {
            IssuerDiscovery.Metadata metadata = IssuerDiscovery.discover(URI.create(verifier.issuer), http, limit);
            checks.add(Check.pass("issuer", "metadata at " + metadata.source() + " (jwks_uri " + metadata.jwksUri() + ")"));
            return given != null ? given : metadata.jwksUri();
        } catch (IOException | IllegalArgumentException e) {
            checks.add(Check.fail("issuer", e.getMessage(), "--issuer must be exactly the `iss` of your tokens and reachable from here "
                    + "(Keycloak: https://HOST/realms/REALM; Cognito: https://cognito-idp.REGION.amazonaws.com/POOL_ID; Auth0: https://TENANT/ with the slash)"));
            return given;
        }
    }

    private static Check jwks(HttpClient http, Duration limit, URI jwksUri) {
        String hint = "check --jwks-uri (or the issuer's jwks_uri): it must answer 200 with a JSON Web Key Set";
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(jwksUri).timeout(limit).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                return Check.fail("jwks", jwksUri + " answered HTTP " + res.statusCode(), hint);
            }
            JWKSet keys = JWKSet.parse(res.body());
            long signing = keys.getKeys().stream().filter(k -> !k.isPrivate() && (k.getKeyUse() == null || "sig".equals(k.getKeyUse().identifier()))).count();
            if (signing == 0) {
                return Check.fail("jwks", jwksUri + " has no public signing keys", hint);
            }
            return Check.pass("jwks", signing + " signing key(s) at " + jwksUri);
        } catch (java.text.ParseException e) {
            return Check.fail("jwks", jwksUri + " is not a JSON Web Key Set: " + e.getMessage(), hint);
        } catch (IOException e) {
            return Check.fail("jwks", "could not fetch " + jwksUri + ": " + e, hint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail("jwks", "interrupted", hint);
        }
    }

    /** Asks about a token that cannot be active: a working endpoint that accepts our credentials says active=false. */
    private static Check introspection(HttpClient http, Duration limit, GatewayConfig.Introspection config) {
        String hint = "check --introspection-uri and the client credentials (--introspection-client-id/-secret); "
                + "the client must be allowed to introspect (Keycloak: a confidential client with service accounts)";
        HttpRequest.Builder request = HttpRequest.newBuilder(config.endpoint()).timeout(limit)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode("mcp-auth-doctor-probe", StandardCharsets.UTF_8)));
        if (config.clientId() != null) {
            // RFC 7662 section 2.1 protects the endpoint; client_secret_basic per RFC 6749 section 2.3.1.
            String pair = URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(config.clientSecret() == null ? "" : config.clientSecret(), StandardCharsets.UTF_8);
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> res = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 401 || res.statusCode() == 403) {
                return Check.fail("introspection", config.endpoint() + " refused our client credentials (HTTP " + res.statusCode() + ")", hint);
            }
            if (res.statusCode() != 200) {
                return Check.fail("introspection", config.endpoint() + " answered HTTP " + res.statusCode(), hint);
            }
            JsonNode body = Json.MAPPER.readTree(res.body());
            if (body == null || !body.has("active")) {
                return Check.fail("introspection", config.endpoint() + " answered without an `active` member (not RFC 7662)", hint);
            }
            return Check.pass("introspection", config.endpoint() + " answers (active=" + body.get("active").asBoolean() + " for a probe token)");
        } catch (IOException e) {
            return Check.fail("introspection", "could not reach " + config.endpoint() + ": " + e, hint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail("introspection", "interrupted", hint);
        }
    }

    private Check sampleToken(GatewayConfig.Auth auth, String resource) {
        if (token == null) {
            return Check.skip("token", "no sample token (give one with --token to validate it as serve would)");
        }
        try {
            AccessToken accepted = Verifiers.forConfig(auth, verifier.checks(), resource, null, null).verify(TokenInput.read(token, System.in));
            return Check.pass("token", "valid: sub=" + accepted.subject() + " client_id=" + accepted.clientId() + " scopes=" + accepted.scopes());
        } catch (TokenRejected e) {
            return Check.fail("token", "rejected (" + e.reason().errorCode() + "): " + e.description(), tokenHint(e.description(), resource));
        } catch (IOException | RuntimeException e) {
            return Check.fail("token", e.getMessage(), "the token could not be checked; see the other checks");
        }
    }

    private static String tokenHint(String description, String resource) {
        String d = description == null ? "" : description.toLowerCase(java.util.Locale.ROOT);
        if (d.contains("aud")) {
            return "the token's aud must contain " + resource + " (set --public-url behind a proxy), or name its audience with --audience "
                    + "(Cognito access tokens: --client-id-as-audience --audience CLIENT_ID)";
        }
        if (d.contains("iss")) {
            return "--issuer must equal the token's iss exactly (mind the trailing slash)";
        }
        if (d.contains("expired") || d.contains("exp")) {
            return "get a fresh token; if clocks differ, raise --clock-skew";
        }
        return "inspect it with: mcp-auth token inspect TOKEN";
    }

    /** The port serve would listen on is free (binding and releasing it at once), or held by an mcp-auth serve. */
    private Check port(HttpClient http, Duration limit) {
        if (port == 0) {
            return Check.pass("port", "0: serve picks a free port");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return Check.pass("port", host + ":" + port + " is free");
        } catch (IOException e) {
            String ours = runningServe(http, limit);
            if (ours != null) {
                return Check.skip("port", host + ":" + port + " is held by a running mcp-auth serve (" + ours + "); not checked");
            }
            return Check.fail("port", host + ":" + port + " cannot be bound: " + e.getMessage(),
                    "another process (perhaps a running mcp-auth serve) holds it: stop it or choose --port");
        }
    }

    /** The version of the mcp-auth serve answering /health on the port, or null when something else holds it. */
    private String runningServe(HttpClient http, Duration limit) {
        try {
            String shown = host.contains(":") ? "[" + host + "]" : host.equals("0.0.0.0") ? "127.0.0.1" : host;
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://" + shown + ":" + port + "/health"))
                    .timeout(limit).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = new ObjectMapper().readTree(health.body());
            return body.has("status") && body.has("version") && body.has("tools") ? "version " + body.get("version").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void print(List<Check> checks) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", checks.stream().noneMatch(c -> c.status() == Status.FAIL));
            doc.put("checks", checks.stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("status", c.status().name());
                m.put("detail", c.detail());
                if (c.hint() != null) {
                    m.put("hint", c.hint());
                }
                return m;
            }).toList());
            out.println(Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            for (Check c : checks) {
                out.printf("%-4s  %-13s %s%n", c.status(), c.name(), c.detail());
                if (c.hint() != null) {
                    out.printf("      %-13s hint: %s%n", "", c.hint());
                }
            }
        }
        out.flush();
    }
}
