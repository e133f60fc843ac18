package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.support.DocumentServer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Client ID metadata documents (CIMD) at the authorization server, over real HTTP: a small Undertow server publishes
 * the documents; the AS fetches them when their URL arrives as client_id. Loopback addresses are refused unless the
 * operator allowed private hosts, so most tests turn that on to reach the document server at all.
 */
class ClientMetadataDocumentTest {

    private static TestAuthServer devServer() {
        return TestAuthServer.start(b -> b.autoApprove(true).clientMetadataFromPrivateHosts(true));
    }

    private static HttpResponse<String> authorizeAs(TestAuthServer server, String clientId, String redirectUri) {
        Map<String, String> params = new java.util.LinkedHashMap<>(server.authorizeParams(new TestAuthServer.Client(clientId, null), Pkce.newVerifier(), null));
        params.put("redirect_uri", redirectUri);
        return server.authorize(params);
    }

    @Test
    void metadataAdvertisesClientIdMetadataDocuments() {
        try (TestAuthServer server = TestAuthServer.start()) {
            JsonNode metadata = TestAuthServer.json(server.get("/.well-known/oauth-authorization-server"));
            assertThat(metadata.get("client_id_metadata_document_supported").asBoolean()).isTrue();
        }
    }

    @Test
    void aDocumentUrlIsAClientIdThroughCodeRefreshAndTheDocumentIsFetchedOnceWhileCached() {
        try (DocumentServer docs = new DocumentServer(); TestAuthServer server = devServer()) {
            String url = docs.publish("/oauth/client.json", TestAuthServer.REDIRECT, Map.of("Cache-Control", "public, max-age=600"));
            TestAuthServer.Client client = new TestAuthServer.Client(url, null);

            String verifier = Pkce.newVerifier();
            String code = server.authorizeCode(client, verifier, "read:files");
            JsonNode tokens = TestAuthServer.json(server.exchangeCode(client, code, verifier));
            assertThat(tokens.has("access_token")).as(tokens.toString()).isTrue();
            JsonNode refreshed = TestAuthServer.json(server.refresh(client, tokens.get("refresh_token").asText(), null));

            assertThat(refreshed.has("access_token")).as(refreshed.toString()).isTrue();
            assertThat(docs.fetches.get()).as("max-age=600 keeps the document for the whole grant").isEqualTo(1);
        }
    }

    @Test
    void noStoreMakesTheServerFetchTheDocumentAgainEveryTime() {
        try (DocumentServer docs = new DocumentServer(); TestAuthServer server = devServer()) {
            String url = docs.publish("/client.json", TestAuthServer.REDIRECT, Map.of("Cache-Control", "no-store"));

            assertThat(authorizeAs(server, url, TestAuthServer.REDIRECT).statusCode()).isEqualTo(302);
            assertThat(authorizeAs(server, url, TestAuthServer.REDIRECT).statusCode()).isEqualTo(302);

            assertThat(docs.fetches.get()).isEqualTo(2);
        }
    }

    @Test
    void theConsentPageNamesTheClientAndTheHostThatPublishedItsDocument() {
        try (DocumentServer docs = new DocumentServer();
             TestAuthServer server = TestAuthServer.start(b -> b.clientMetadataFromPrivateHosts(true))) {
            String url = docs.publish("/client.json", TestAuthServer.REDIRECT, Map.of());

            HttpResponse<String> page = authorizeAs(server, url, TestAuthServer.REDIRECT);

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Editor (127.0.0.1)");
        }
    }

    @Test
    void aRedirectUriOutsideTheDocumentIsRefusedWithoutRedirecting() {
        try (DocumentServer docs = new DocumentServer(); TestAuthServer server = devServer()) {
            String url = docs.publish("/client.json", TestAuthServer.REDIRECT, Map.of());

            HttpResponse<String> r = authorizeAs(server, url, "http://127.0.0.1:7777/elsewhere");

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).isEmpty();
            assertThat(r.body()).contains("is not registered for this client");
        }
    }

    @Test
    void documentsThatBreakTheRulesAreRefusedNamingTheRule() {
        try (DocumentServer docs = new DocumentServer(); TestAuthServer server = devServer()) {
            String other = docs.base + "/someone-else.json";
            docs.answers.put("/wrong-id.json", new DocumentServer.Answer(200, Map.of(), DocumentServer.document(other, TestAuthServer.REDIRECT)));
            docs.answers.put("/secret.json", new DocumentServer.Answer(200, Map.of(), DocumentServer.document(docs.base + "/secret.json",
                    TestAuthServer.REDIRECT).replace("}", ",\"client_secret\":\"s3cret\"}")));
            docs.answers.put("/big.json", new DocumentServer.Answer(200, Map.of(), DocumentServer.document(docs.base + "/big.json",
                    TestAuthServer.REDIRECT).replace("}", ",\"padding\":\"" + "x".repeat(ClientMetadataDocuments.MAX_BYTES) + "\"}")));
            docs.answers.put("/moved.json", new DocumentServer.Answer(302, Map.of("Location", docs.base + "/oauth/client.json"), ""));
            docs.publish("/oauth/client.json", TestAuthServer.REDIRECT, Map.of());
            docs.answers.put("/not-json.json", new DocumentServer.Answer(200, Map.of(), "<html>"));

            Map<String, String> expected = Map.of(
                    "/wrong-id.json", "someone-else.json&quot;, not the URL itself",
                    "/secret.json", "cannot hold a secret",
                    "/big.json", "larger than 5120 bytes",
                    "/moved.json", "HTTP 302 (redirects are not followed)",
                    "/not-json.json", "not a JSON object",
                    "/missing.json", "HTTP 404");
            expected.forEach((path, reason) -> {
                HttpResponse<String> r = authorizeAs(server, docs.base + path, TestAuthServer.REDIRECT);
                assertThat(r.statusCode()).as(path).isEqualTo(400);
                assertThat(r.headers().firstValue("Location")).as(path).isEmpty();
                assertThat(r.body()).as(path).contains(reason).doesNotContain("Exception");
            });
            assertThat(docs.fetches.get()).as("the redirect was not followed").isEqualTo(expected.size());
        }
    }

    @Test
    void aDocumentOnALoopbackAddressIsNotFetchedWithoutTheDevelopmentFlag() {
        try (DocumentServer docs = new DocumentServer(); TestAuthServer server = TestAuthServer.start(b -> b.autoApprove(true))) {
            String url = docs.publish("/client.json", TestAuthServer.REDIRECT, Map.of());
            String https = url.replace("http://", "https://");

            HttpResponse<String> plain = authorizeAs(server, url, TestAuthServer.REDIRECT);
            HttpResponse<String> loopback = authorizeAs(server, https, TestAuthServer.REDIRECT);
            HttpResponse<String> token = server.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "code", "x",
                    "client_id", https, "redirect_uri", TestAuthServer.REDIRECT, "code_verifier", Pkce.newVerifier()));

            assertThat(plain.statusCode()).isEqualTo(400);
            assertThat(plain.body()).contains("must use https");
            assertThat(loopback.statusCode()).isEqualTo(400);
            assertThat(loopback.body()).contains("loopback or private address");
            assertThat(token.statusCode()).isEqualTo(401);
            assertThat(TestAuthServer.json(token).get("error").asText()).isEqualTo("invalid_client");
            assertThat(docs.fetches.get()).isZero();
        }
    }

    @Test
    void privateAndSpecialAddressesCountAsPrivate() throws Exception {
        for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                "::1", "fd00::1", "fe80::1")) {
            assertThat(ClientMetadataDocuments.isPrivate(java.net.InetAddress.getByName(a))).as(a).isTrue();
        }
        assertThat(ClientMetadataDocuments.isPrivate(java.net.InetAddress.getByName("93.184.216.34"))).isFalse();
    }
}
