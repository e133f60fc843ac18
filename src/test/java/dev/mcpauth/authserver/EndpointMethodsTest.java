package dev.mcpauth.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every route of the AS answers only the methods its RFC defines; anything else is 405 with Allow and a JSON body. */
class EndpointMethodsTest {

    @ParameterizedTest
    @CsvSource({
        "/.well-known/oauth-authorization-server, POST, 'GET, HEAD'",
        "/.well-known/openid-configuration, DELETE, 'GET, HEAD'",
        "/oauth/jwks, POST, 'GET, HEAD'",
        "/oauth/register, GET, POST",
        "/oauth/token, GET, POST",
        "/oauth/introspect, GET, POST",
        "/oauth/revoke, GET, POST",
        "/oauth/authorize, PUT, 'GET, POST'",
    })
    void otherMethodsAre405WithAllow(String path, String method, String allow) {
        try (TestAuthServer server = TestAuthServer.start()) {
            HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.base + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());
            assertThat(r.statusCode()).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow").orElse("")).isEqualTo(allow);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
