package dev.mcpauth.authserver;

import dev.mcpauth.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real authorization server on a real Undertow listener (127.0.0.1, ephemeral port), and a small OAuth client
 * speaking real HTTP to it with redirects never followed.
 */
final class TestAuthServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REDIRECT = "http://127.0.0.1:7777/callback";

    final Undertow undertow;
    final AuthorizationServer as;
    final String base;
    final String issuer;
    final MutableClock clock;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private TestAuthServer(Undertow undertow, AuthorizationServer as, String base, String issuer, MutableClock clock) {
        this.undertow = undertow;
        this.as = as;
        this.base = base;
        this.issuer = issuer;
        this.clock = clock;
    }

    static TestAuthServer start() {
        return start(null, b -> b);
    }

    static TestAuthServer start(UnaryOperator<AuthServerConfig.Builder> customize) {
        return start(null, customize);
    }

    /** With {@code issuer} null, the issuer is the listener's own origin. */
    static TestAuthServer start(String issuer, UnaryOperator<AuthServerConfig.Builder> customize) {
        HttpHandler[] delegate = new HttpHandler[1];
        Undertow undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> delegate[0].handleRequest(exchange))
                .build();
        undertow.start();
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        String base = "http://127.0.0.1:" + port;
        String iss = issuer != null ? issuer : base;
        MutableClock clock = new MutableClock();
        AuthorizationServer as;
        try {
            as = new AuthorizationServer(customize.apply(AuthServerConfig.builder(iss).clock(clock)).build());
        } catch (RuntimeException e) {
            undertow.stop();
            throw e;
        }
        delegate[0] = as.routes(exchange -> {
            exchange.setStatusCode(404);
            exchange.getResponseSender().send("not the AS");
        });
        return new TestAuthServer(undertow, as, base, iss, clock);
    }

    /**
     * The same client against an authorization server running elsewhere (a {@code serve} child process) at {@code base},
     * its issuer too; {@link #as} and {@link #clock} are null.
     */
    static TestAuthServer remote(String base) {
        return new TestAuthServer(null, null, base, base, null);
    }

    String resource() {
        return issuer + "/mcp";
    }

    @Override
    public void close() {
        if (as != null) {
            as.close();
            undertow.stop();
        }
    }

    // --- HTTP ---

    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build());
    }

    HttpResponse<String> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> postForm(String path, Map<String, String> form) {
        return postForm(path, form, null, null);
    }

    /** With {@code basicUser} set, the client authenticates with HTTP Basic (RFC 6749 §2.3.1). */
    HttpResponse<String> postForm(String path, Map<String, String> form, String basicUser, String basicPassword) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
        if (basicUser != null) {
            String raw = URLEncoder.encode(basicUser, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(basicPassword, StandardCharsets.UTF_8);
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)));
        }
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** The query parameters of the Location header of a redirect. */
    static Map<String, String> redirectParams(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location header: " + response.statusCode() + " " + response.body()));
        String query = URI.create(location).getRawQuery();
        Map<String, String> out = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // --- OAuth steps ---

    /** A client registered through DCR; {@code secret} is null for public clients. */
    record Client(String id, String secret) {
    }

    Client registerPublicClient(String... extraGrantTypes) {
        String grants = extraGrantTypes.length == 0 ? "\"authorization_code\",\"refresh_token\""
                : "\"authorization_code\",\"refresh_token\"," + java.util.Arrays.stream(extraGrantTypes).map(g -> "\"" + g + "\"").collect(Collectors.joining(","));
        return register("{\"client_name\":\"Test Client\",\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":[" + grants + "]}");
    }

    Client register(String metadataJson) {
        HttpResponse<String> r = postJson("/oauth/register", metadataJson);
        if (r.statusCode() != 201) {
            throw new AssertionError("registration failed: " + r.statusCode() + " " + r.body());
        }
        JsonNode body = json(r);
        return new Client(body.get("client_id").asText(), body.has("client_secret") ? body.get("client_secret").asText() : null);
    }

    /** Authorization request parameters for a PKCE S256 request of {@code scope}. */
    Map<String, String> authorizeParams(Client client, String verifier, String scope) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", client.id());
        p.put("redirect_uri", REDIRECT);
        p.put("code_challenge", Pkce.challenge(verifier));
        p.put("code_challenge_method", "S256");
        p.put("resource", resource());
        p.put("state", "xyz-state");
        if (scope != null) {
            p.put("scope", scope);
        }
        return p;
    }

    HttpResponse<String> authorize(Map<String, String> params) {
        return get("/oauth/authorize?" + formBody(params));
    }

    /** With autoApprove on: the code the redirect carries. */
    String authorizeCode(Client client, String verifier, String scope) {
        HttpResponse<String> r = authorize(authorizeParams(client, verifier, scope));
        Map<String, String> p = redirectParams(r);
        if (!p.containsKey("code")) {
            throw new AssertionError("no code: " + p);
        }
        return p.get("code");
    }

    HttpResponse<String> exchangeCode(Client client, String code, String verifier) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "authorization_code");
        f.put("code", code);
        f.put("redirect_uri", REDIRECT);
        f.put("code_verifier", verifier);
        f.put("client_id", client.id());
        return postForm("/oauth/token", f);
    }

    HttpResponse<String> refresh(Client client, String refreshToken, String scope) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "refresh_token");
        f.put("refresh_token", refreshToken);
        f.put("client_id", client.id());
        if (scope != null) {
            f.put("scope", scope);
        }
        return postForm("/oauth/token", f);
    }

    /** Full auto-approved flow to a token response body. */
    JsonNode tokensFor(Client client, String scope) {
        String verifier = Pkce.newVerifier();
        HttpResponse<String> r = exchangeCode(client, authorizeCode(client, verifier, scope), verifier);
        if (r.statusCode() != 200) {
            throw new AssertionError("token request failed: " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    /** The consent-page flow as a browser runs it: open the page, sign in and approve, exchange the code. */
    JsonNode tokensWithConsent(Client client, String scope, String username, String password) {
        String verifier = Pkce.newVerifier();
        HttpResponse<String> page = authorize(authorizeParams(client, verifier, scope));
        if (page.statusCode() != 200) {
            throw new AssertionError("no consent page: " + page.statusCode() + " " + page.body());
        }
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        Map<String, String> f = new LinkedHashMap<>();
        f.put("request_id", hiddenField(page.body(), "request_id"));
        f.put("csrf_token", hiddenField(page.body(), "csrf_token"));
        f.put("decision", "approve");
        f.put("username", username);
        f.put("password", password);
        HttpResponse<String> approved = send(HttpRequest.newBuilder(URI.create(base + "/oauth/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(formBody(f))).build());
        HttpResponse<String> r = exchangeCode(client, redirectParams(approved).get("code"), verifier);
        if (r.statusCode() != 200) {
            throw new AssertionError("token request failed: " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    /** A confidential resource-server client configured at start, for introspection. */
    static final AuthServerConfig.PreconfiguredClient RESOURCE_SERVER =
            new AuthServerConfig.PreconfiguredClient("gateway", "gateway-secret-0123456789", java.util.Set.of(), java.util.List.of("client_credentials"));

    JsonNode introspect(String token) {
        HttpResponse<String> r = postForm("/oauth/introspect", Map.of("token", token), RESOURCE_SERVER.clientId(), RESOURCE_SERVER.clientSecret());
        if (r.statusCode() != 200) {
            throw new AssertionError("introspection failed: " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    static String hiddenField(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no hidden field " + name + " in page");
        }
        return m.group(1);
    }
}
