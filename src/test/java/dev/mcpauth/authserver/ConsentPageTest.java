package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The consent page: who asks for what, the demo sign-in, Approve and Deny, CSRF binding, escaping. */
class ConsentPageTest {
    static TestAuthServer server;
    static TestAuthServer.Client client;

    @BeforeAll
    static void start() {
        server = TestAuthServer.start(b -> b.client(TestAuthServer.RESOURCE_SERVER));
        client = server.register("{\"client_name\":\"Inspector <b>Pro</b>\",\"redirect_uris\":[\"" + TestAuthServer.REDIRECT + "\"],"
                + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"]}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The consent page for a fresh request, with the cookie the browser would keep. */
    record Page(HttpResponse<String> response, String cookie, String requestId, String csrf, String verifier) {
    }

    private static Page open(String scope, String state) {
        String verifier = Pkce.newVerifier();
        Map<String, String> q = server.authorizeParams(client, verifier, scope);
        q.put("state", state);
        HttpResponse<String> r = server.authorize(q);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        return new Page(r, cookie, TestAuthServer.hiddenField(r.body(), "request_id"), TestAuthServer.hiddenField(r.body(), "csrf_token"), verifier);
    }

    private static HttpResponse<String> submit(Page page, String cookie, String csrf, String decision, String user, String password) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("request_id", page.requestId());
        f.put("csrf_token", csrf);
        f.put("decision", decision);
        if (user != null) {
            f.put("username", user);
            f.put("password", password);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + "/oauth/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(TestAuthServer.formBody(f)));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return server.send(b.build());
    }

    @Test
    void consentPageNamesTheClientTheRedirectHostAndEachScopeWithItsDescription() {
        Page page = open("read:files execute:commands", "s1");
        String html = page.response().body();
        assertThat(page.response().headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(html).contains("Inspector &lt;b&gt;Pro&lt;&#47;b&gt;").doesNotContain("<b>Pro</b>");
        assertThat(html).contains("127.0.0.1:7777");
        assertThat(html).contains("read:files").contains("Read files in the allowed directories");
        assertThat(html).contains("execute:commands").contains("Run allow-listed commands");
        assertThat(html).doesNotContain("math:calculate");
        assertThat(html).contains("name=\"username\"").contains("name=\"password\"").contains("value=\"approve\"").contains("value=\"deny\"");
        assertThat(html).doesNotContain("<script");
        assertThat(page.response().headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.response().headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
        assertThat(page.response().headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
    }

    @Test
    void reflectedStateIsHtmlEscapedAndNeverRendered() {
        Page page = open("read:files", "\"><script>alert(1)</script>");
        assertThat(page.response().body()).doesNotContain("<script>alert(1)");
    }

    @Test
    void denyRedirectsWithAccessDeniedStateAndIss() {
        Page page = open("read:files", "deny-state");
        HttpResponse<String> r = submit(page, page.cookie(), page.csrf(), "deny", null, null);
        assertThat(r.statusCode()).isEqualTo(303);
        Map<String, String> p = TestAuthServer.redirectParams(r);
        assertThat(p.get("error")).isEqualTo("access_denied");
        assertThat(p.get("state")).isEqualTo("deny-state");
        assertThat(p.get("iss")).isEqualTo(server.issuer);
        assertThat(p).doesNotContainKey("code");
    }

    @Test
    void approveWithDemoCredentialsIssuesACodeForThatUser() {
        Page page = open("read:files", "ok-state");
        HttpResponse<String> r = submit(page, page.cookie(), page.csrf(), "approve", "demo", "demo");
        Map<String, String> p = TestAuthServer.redirectParams(r);
        assertThat(p.get("state")).isEqualTo("ok-state");
        assertThat(p.get("iss")).isEqualTo(server.issuer);
        HttpResponse<String> token = server.exchangeCode(client, p.get("code"), page.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        var claims = server.introspect(TestAuthServer.json(token).get("access_token").asText());
        assertThat(claims.get("sub").asText()).isEqualTo("demo");
        assertThat(claims.get("scope").asText()).isEqualTo("read:files");
    }

    @Test
    void wrongPasswordShowsThePageAgainWithoutACode() {
        Page page = open("read:files", "s");
        HttpResponse<String> r = submit(page, page.cookie(), page.csrf(), "approve", "demo", "wrong");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.body()).contains("Wrong username or password").contains("value=\"demo\"");
        // The same pending request still works with the right password.
        assertThat(TestAuthServer.redirectParams(submit(page, page.cookie(), page.csrf(), "approve", "demo", "demo"))).containsKey("code");
    }

    @Test
    void repeatedFailedSignInsEndTheRequestWithAccessDenied() {
        Page page = open("read:files", "s");
        HttpResponse<String> last = null;
        for (int i = 0; i < 5; i++) {
            last = submit(page, page.cookie(), page.csrf(), "approve", "demo", "guess" + i);
        }
        assertThat(TestAuthServer.redirectParams(last).get("error")).isEqualTo("access_denied");
    }

    @Test
    void consentWithoutTheCsrfTokenOrCookieIsRefused() {
        Page page = open("read:files", "s");
        HttpResponse<String> noToken = submit(page, page.cookie(), "forged", "approve", "demo", "demo");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.headers().firstValue("Location")).isEmpty();
        HttpResponse<String> noCookie = submit(page, null, page.csrf(), "approve", "demo", "demo");
        assertThat(noCookie.statusCode()).isEqualTo(403);
        assertThat(noCookie.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void aConsentCanBeAnsweredOnlyOnce() {
        Page page = open("read:files", "s");
        assertThat(TestAuthServer.redirectParams(submit(page, page.cookie(), page.csrf(), "approve", "demo", "demo"))).containsKey("code");
        HttpResponse<String> again = submit(page, page.cookie(), page.csrf(), "approve", "demo", "demo");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.headers().firstValue("Location")).isEmpty();
    }
}
