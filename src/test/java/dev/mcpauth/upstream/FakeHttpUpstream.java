package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The edge of the world for the HTTP upstream tests: a loopback JDK HttpServer speaking just enough Streamable HTTP
 * MCP (initialize, notifications → 202, tools/list, tools/call with an {@code echo} tool) behind a bearer check, and an
 * OAuth token endpoint for the client credentials grant. It records every Authorization header it receives, and the
 * trace context of every {@code tools/call} (its {@code traceparent} header and {@code _meta.traceparent}).
 */
public final class FakeHttpUpstream implements AutoCloseable {

    static final String CLIENT_ID = "gateway-client";
    static final String CLIENT_SECRET = "s3cret:with/odd&chars";
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    final List<String> tokenRequestAuthorizations = new CopyOnWriteArrayList<>();
    /** Each tools/call's trace context as received: {traceparent header, _meta.traceparent} (either may be null). */
    public final List<List<String>> toolCallTraceparents = new CopyOnWriteArrayList<>();
    /** Set before the gateway connects: the upstream also offers prompt {@code greet} and resource {@code mem://note}. */
    public volatile boolean offersPromptAndResource;
    /** The traceparent header and {@code _meta.traceparent} of each {@code prompts/get} and {@code resources/read}, after its method. */
    public final List<List<String>> otherTraceparents = new CopyOnWriteArrayList<>();
    /** Tokens the MCP endpoint accepts. */
    public final Set<String> acceptedTokens = new CopyOnWriteArraySet<>();
    /** When set, tools/call with any other token is refused 403 insufficient_scope (scope tools:write). */
    volatile String toolsCallToken;
    private final AtomicInteger issued = new AtomicInteger();
    private final HttpServer server;

    public FakeHttpUpstream(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/mcp", this::mcp);
        server.createContext("/token", this::token);
        server.start();
    }

    public URI mcpUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/mcp");
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/token");
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void mcp(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        if (!accepted(authorization)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"mcp\", error=\"invalid_token\"");
            send(exchange, 401, JSON.createObjectNode().put("error", "invalid_token"));
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
            exchange.close();
            return;
        }
        JsonNode message = JSON.readTree(exchange.getRequestBody());
        if (!message.has("id")) {
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        if (message.path("method").asText().equals("tools/call")) {
            toolCallTraceparents.add(java.util.Arrays.asList(exchange.getRequestHeaders().getFirst("traceparent"),
                    message.path("params").path("_meta").path("traceparent").asText(null)));
        }
        if (message.path("method").asText().equals("prompts/get") || message.path("method").asText().equals("resources/read")) {
            otherTraceparents.add(java.util.Arrays.asList(message.path("method").asText(), exchange.getRequestHeaders().getFirst("traceparent"),
                    message.path("params").path("_meta").path("traceparent").asText(null)));
        }
        if (toolsCallToken != null && message.path("method").asText().equals("tools/call")
                && !("Bearer " + toolsCallToken).equals(authorization)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"tools:write\"");
            send(exchange, 403, JSON.createObjectNode().put("error", "insufficient_scope"));
            return;
        }
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", message.get("id"));
        switch (message.path("method").asText()) {
            case "initialize" -> {
                ObjectNode result = response.putObject("result");
                result.put("protocolVersion", message.path("params").path("protocolVersion").asText());
                ObjectNode capabilities = result.putObject("capabilities");
                capabilities.putObject("tools");
                if (offersPromptAndResource) {
                    capabilities.putObject("prompts");
                    capabilities.putObject("resources");
                }
                result.putObject("serverInfo").put("name", "fake-http").put("version", "1");
                exchange.getResponseHeaders().add("Mcp-Session-Id", "session-1");
            }
            case "tools/list" -> response.putObject("result").putArray("tools").addObject()
                    .put("name", "echo").put("description", "echoes").putObject("inputSchema").put("type", "object");
            case "tools/call" -> response.putObject("result").put("isError", false).putArray("content").addObject()
                    .put("type", "text").put("text", message.path("params").path("arguments").path("text").asText());
            case "prompts/list" -> response.putObject("result").putArray("prompts").addObject().put("name", "greet").put("description", "greets");
            case "prompts/get" -> response.putObject("result").putArray("messages").addObject().put("role", "user")
                    .putObject("content").put("type", "text").put("text", "hello");
            case "resources/list" -> response.putObject("result").putArray("resources").addObject().put("uri", "mem://note").put("name", "note");
            case "resources/templates/list" -> response.putObject("result").putArray("resourceTemplates");
            case "resources/read" -> response.putObject("result").putArray("contents").addObject().put("uri", "mem://note")
                    .put("mimeType", "text/plain").put("text", "a note");
            default -> response.putObject("error").put("code", -32601).put("message", "method not found");
        }
        send(exchange, 200, response);
    }

    private boolean accepted(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] presented = authorization.substring(7).getBytes(StandardCharsets.UTF_8);
        return acceptedTokens.stream().anyMatch(t -> MessageDigest.isEqual(presented, t.getBytes(StandardCharsets.UTF_8)));
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequestAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        tokenRequests.add(form);
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + java.net.URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, JSON.createObjectNode().put("error", "invalid_client").put("error_description", "bad client secret"));
            return;
        }
        String token = "cc-token-" + issued.incrementAndGet();
        acceptedTokens.add(token);
        send(exchange, 200, JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer").put("expires_in", 3600));
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
