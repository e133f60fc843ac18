package dev.mcpauth.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.token.AccessToken;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.TreeSet;

/** A real Undertow server on an ephemeral loopback port, and a real HTTP client to talk to it. */
public final class TestHttp implements AutoCloseable {

    public static final String MCP_ACCEPT = "application/json, text/event-stream";

    private final Undertow server;
    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestHttp(HttpHandler root) {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(root).build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        base = URI.create("http://127.0.0.1:" + address.getPort());
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public String origin() {
        return base.toString();
    }

    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    }

    /** A POST as an MCP client sends it: JSON body, both Accept types. */
    public HttpRequest.Builder mcpPost(String path, String json) {
        return request(path)
                .header("Content-Type", "application/json")
                .header("Accept", MCP_ACCEPT)
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient client() {
        return client;
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return JsonErrors.MAPPER.readTree(response.body());
    }

    /**
     * The terminal handler of test chains: 200 with what it saw (method, token subject and scopes, body), so
     * tests prove what reached the end of the chain.
     */
    public static HttpHandler echo() {
        return TestHttp::echo;
    }

    private static void echo(HttpServerExchange exchange) {
        ObjectNode seen = JsonErrors.MAPPER.createObjectNode();
        seen.put("reached", true);
        seen.put("method", exchange.getRequestMethod().toString());
        AccessToken token = exchange.getAttachment(Exchanges.ACCESS_TOKEN);
        if (token != null) {
            seen.put("subject", token.subject());
            seen.putPOJO("scopes", new TreeSet<>(token.scopes()));
        }
        JsonRpcBody body = exchange.getAttachment(Exchanges.JSON_RPC_BODY);
        if (body != null) {
            seen.set("body", body.json());
            seen.put("bytes", body.bytes().length);
        }
        JsonErrors.sendJson(exchange, 200, seen);
    }

    @Override
    public void close() {
        server.stop();
    }
}
