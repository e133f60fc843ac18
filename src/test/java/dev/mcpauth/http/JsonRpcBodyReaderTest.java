package dev.mcpauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonRpcBodyReaderTest {

    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    private TestHttp http;

    @BeforeEach
    void start() {
        http = new TestHttp(new VirtualThreadDispatch(new JsonRpcBodyReader(TestHttp.echo())));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> post(String contentType, String accept, String body) throws Exception {
        return http.send(http.request("/mcp").header("Content-Type", contentType).header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void jsonRpcMessageIsReadOnceAndAttached() throws Exception {
        HttpResponse<String> response = post("application/json; charset=utf-8", "application/json, text/event-stream", PING);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode seen = TestHttp.json(response);
        assertThat(seen.path("body").path("method").asText()).isEqualTo("ping");
        assertThat(seen.path("bytes").asInt()).isEqualTo(PING.length());
    }

    @Test
    void nonJsonContentTypeIs415() throws Exception {
        HttpResponse<String> response = post("text/plain", TestHttp.MCP_ACCEPT, PING);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(TestHttp.json(response).path("error").asText()).isEqualTo("unsupported_media_type");
    }

    @Test
    void postThatDoesNotAcceptBothJsonAndEventStreamIs406() throws Exception {
        for (String accept : new String[] {"application/json", "text/event-stream", "*/*",
                "application/json, text/event-stream;q=0"}) {
            HttpResponse<String> response = post("application/json", accept, PING);
            assertThat(response.statusCode()).as(accept).isEqualTo(406);
            assertThat(TestHttp.json(response).path("error_description").asText()).contains("text/event-stream");
        }
    }

    @Test
    void acceptListingBothTypesWithParametersPasses() throws Exception {
        assertThat(post("application/json", "text/event-stream;q=0.9, application/json;q=1", PING).statusCode()).isEqualTo(200);
    }

    @Test
    void getWithoutEventStreamAcceptIs406AndWithItPasses() throws Exception {
        assertThat(http.send(http.request("/mcp").header("Accept", "application/json").GET()).statusCode()).isEqualTo(406);

        HttpResponse<String> sse = http.send(http.request("/mcp").header("Accept", "text/event-stream").GET());
        assertThat(sse.statusCode()).isEqualTo(200);
        assertThat(TestHttp.json(sse).path("body").isMissingNode()).isTrue();
    }

    @Test
    void deletePassesThroughUntouched() throws Exception {
        assertThat(http.send(http.request("/mcp").DELETE()).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedJsonIsJsonRpcParseErrorWithNullId() throws Exception {
        HttpResponse<String> response = post("application/json", TestHttp.MCP_ACCEPT, "{\"jsonrpc\":\"2.0\",");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.path("id").isNull()).isTrue();
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void emptyBodyAndTrailingGarbageAreParseErrors() throws Exception {
        assertThat(TestHttp.json(post("application/json", TestHttp.MCP_ACCEPT, "")).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(TestHttp.json(post("application/json", TestHttp.MCP_ACCEPT, PING + " {}")).path("error").path("code").asInt())
                .isEqualTo(-32700);
    }

    @Test
    void duplicateKeysAreAParseErrorSoNoTwoParsersCanDisagree() throws Exception {
        HttpResponse<String> response = post("application/json", TestHttp.MCP_ACCEPT,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"safe\",\"name\":\"dangerous\"}}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestHttp.json(response).path("error").path("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void jsonThatIsNotAMessageOrBatchIsInvalidRequest() throws Exception {
        for (String body : new String[] {"42", "\"text\"", "[]", "[1,2]", "null"}) {
            HttpResponse<String> response = post("application/json", TestHttp.MCP_ACCEPT, body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(TestHttp.json(response).path("error").path("code").asInt()).as(body).isEqualTo(-32600);
        }
    }
}
