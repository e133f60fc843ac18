package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small MCP server over stdio (newline-delimited JSON-RPC, written with Jackson) that the upstream tests run as a
 * real child process. Tools: {@code echo}, {@code slow} (sleeps), {@code crash} (exits), {@code add_tool} (adds a tool,
 * then sends {@code notifications/tools/list_changed}; with {@code kind: prompt|resource} it adds a prompt or a
 * resource and sends that list's list_changed instead), {@code pid}, {@code spawn} (starts a grandchild process).
 * Prompts {@code greet} and {@code audit} (argument {@code who}); resources {@code tiny://notes/readme} and
 * {@code tiny://notes/secret}, and the template {@code tiny://notes/{name}} (a read of any note answers "note NAME").
 * {@code tools/list} answers two tools per page and {@code resources/list} one resource per page, so that clients must
 * follow {@code nextCursor}.
 */
public final class TinyUpstreamServer {

    static final String STDERR_MARKER_ENV = "TINY_STDERR_MARKER";
    private static final int PAGE_SIZE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    private static final List<String> TOOLS = new CopyOnWriteArrayList<>(List.of("echo", "slow", "crash", "add_tool", "pid", "spawn"));
    private static final List<String> PROMPTS = new CopyOnWriteArrayList<>(List.of("greet", "audit"));
    private static final List<String> RESOURCES = new CopyOnWriteArrayList<>(List.of("tiny://notes/readme", "tiny://notes/secret"));
    private static final String NOTES = "tiny://notes/";
    /** The prompt argument, and the note name (through the template), for which the upstream asks the client first. */
    static final String ASK_CLIENT = "@client";
    /** This upstream's requests to the client, by id, waiting for the client's answer. */
    private static final Map<String, CompletableFuture<JsonNode>> ASKED = new ConcurrentHashMap<>();
    private static final AtomicInteger ASK_IDS = new AtomicInteger();

    private TinyUpstreamServer() {
    }

    public static void main(String[] args) throws IOException {
        System.err.println("tiny upstream starting; marker=" + System.getenv().getOrDefault(STDERR_MARKER_ENV, "none"));
        System.err.println("second stderr line");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode message = JSON.readTree(line);
            if (message.has("id") && !message.has("method")) {
                CompletableFuture<JsonNode> asked = ASKED.remove(message.get("id").asText());
                if (asked != null) {
                    asked.complete(message);
                }
                continue;
            }
            // Each request on its own thread: a slow call must not hold up the others.
            Thread.ofVirtual().start(() -> handle(message));
        }
        System.exit(0);
    }

    private static void handle(JsonNode message) {
        if (!message.has("id") || !message.has("method")) {
            return;
        }
        JsonNode id = message.get("id");
        JsonNode params = message.path("params");
        try {
            switch (message.get("method").asText()) {
                case "initialize" -> reply(id, initializeResult(params));
                case "ping" -> reply(id, JSON.createObjectNode());
                case "tools/list" -> reply(id, toolsPage(params.path("cursor").asText("0")));
                case "tools/call" -> call(id, params.path("name").asText(), params.path("arguments"));
                case "prompts/list" -> reply(id, promptList());
                case "prompts/get" -> getPrompt(id, params.path("name").asText(), params.path("arguments").path("who").asText("world"), params);
                case "resources/list" -> reply(id, resourcesPage(Integer.parseInt(params.path("cursor").asText("0"))));
                case "resources/templates/list" -> reply(id, templates());
                case "resources/read" -> read(id, params.path("uri").asText(), params);
                default -> error(id, -32601, "method not found: " + message.get("method").asText());
            }
        } catch (Exception e) {
            error(id, -32603, e.toString());
        }
    }

    private static ObjectNode initializeResult(JsonNode params) {
        ObjectNode result = JSON.createObjectNode();
        result.put("protocolVersion", params.path("protocolVersion").asText("2025-06-18"));
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", true);
        capabilities.putObject("prompts").put("listChanged", true);
        capabilities.putObject("resources").put("listChanged", true);
        result.putObject("serverInfo").put("name", "tiny").put("version", "1");
        return result;
    }

    private static ObjectNode toolsPage(String cursor) {
        int from = Integer.parseInt(cursor);
        List<String> all = List.copyOf(TOOLS);
        ObjectNode result = JSON.createObjectNode();
        ArrayNode tools = result.putArray("tools");
        for (int i = from; i < Math.min(all.size(), from + PAGE_SIZE); i++) {
            ObjectNode tool = tools.addObject().put("name", all.get(i)).put("description", "tiny tool " + all.get(i));
            ObjectNode schema = tool.putObject("inputSchema").put("type", "object");
            schema.putObject("properties");
        }
        if (from + PAGE_SIZE < all.size()) {
            result.put("nextCursor", String.valueOf(from + PAGE_SIZE));
        }
        return result;
    }

    private static void call(JsonNode id, String name, JsonNode arguments) throws Exception {
        switch (name) {
            case "echo" -> reply(id, text(arguments.path("text").asText()));
            case "slow" -> {
                long ms = arguments.path("ms").asLong(1000);
                Thread.sleep(ms);
                reply(id, text("slept " + ms + " ms"));
            }
            case "crash" -> {
                System.err.println("crashing on request");
                Runtime.getRuntime().halt(arguments.path("code").asInt(3));
            }
            case "add_tool" -> {
                String kind = arguments.path("kind").asText("tool");
                switch (kind) {
                    case "prompt" -> PROMPTS.add(arguments.path("name").asText("extra"));
                    case "resource" -> RESOURCES.add(NOTES + arguments.path("name").asText("extra"));
                    default -> TOOLS.add(arguments.path("name").asText("extra"));
                }
                reply(id, text("added"));
                send(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/" + kind + "s/list_changed"));
            }
            case "pid" -> reply(id, text(String.valueOf(ProcessHandle.current().pid())));
            case "spawn" -> reply(id, text(String.valueOf(new ProcessBuilder("sleep", "300").start().pid())));
            default -> {
                if (TOOLS.contains(name)) {
                    reply(id, text("I am " + name));
                } else {
                    error(id, -32602, "unknown tool: " + name);
                }
            }
        }
    }

    private static ObjectNode promptList() {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode prompts = result.putArray("prompts");
        for (String name : PROMPTS) {
            ObjectNode prompt = prompts.addObject().put("name", name).put("description", "tiny prompt " + name);
            prompt.putArray("arguments").addObject().put("name", "who").put("required", false);
        }
        return result;
    }

    /**
     * A prompt: "NAME, WHO". With WHO {@link #ASK_CLIENT} it first reports progress (when the request has a progress
     * token) and asks the client for WHO with {@code sampling/createMessage}, as a server may while it builds a prompt.
     */
    private static void getPrompt(JsonNode id, String name, String who, JsonNode params) throws Exception {
        if (!PROMPTS.contains(name)) {
            error(id, -32602, "unknown prompt: " + name);
            return;
        }
        if (ASK_CLIENT.equals(who)) {
            progress(params);
            ObjectNode sampling = JSON.createObjectNode().put("maxTokens", 10);
            sampling.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text").put("text", "who?");
            who = ask("sampling/createMessage", sampling).path("result").path("content").path("text").asText("(no answer)");
        }
        ObjectNode result = JSON.createObjectNode().put("description", "tiny prompt " + name);
        ObjectNode message = result.putArray("messages").addObject().put("role", "user");
        message.putObject("content").put("type", "text").put("text", name + ", " + who);
        reply(id, result);
    }

    private static ObjectNode resourcesPage(int from) {
        List<String> all = List.copyOf(RESOURCES);
        ObjectNode result = JSON.createObjectNode();
        if (from < all.size()) {
            String uri = all.get(from);
            result.putArray("resources").addObject().put("uri", uri).put("name", uri.substring(NOTES.length())).put("mimeType", "text/plain");
        } else {
            result.putArray("resources");
        }
        if (from + 1 < all.size()) {
            result.put("nextCursor", String.valueOf(from + 1));
        }
        return result;
    }

    private static ObjectNode templates() {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("resourceTemplates").addObject().put("uriTemplate", NOTES + "{name}").put("name", "note").put("mimeType", "text/plain");
        return result;
    }

    /** A note: "note NAME"; the note {@link #ASK_CLIENT} reports progress and asks the client for its roots first. */
    private static void read(JsonNode id, String uri, JsonNode params) throws Exception {
        if (!uri.startsWith(NOTES)) {
            error(id, -32002, "Resource not found: " + uri);
            return;
        }
        String text = "note " + uri.substring(NOTES.length());
        if (uri.equals(NOTES + ASK_CLIENT)) {
            progress(params);
            text = "note roots " + ask("roots/list", JSON.createObjectNode()).path("result").path("roots").path(0).path("uri").asText("(none)");
        }
        ObjectNode result = JSON.createObjectNode();
        result.putArray("contents").addObject().put("uri", uri).put("mimeType", "text/plain").put("text", text);
        reply(id, result);
    }

    /** Half way, for the request's progress token, if it has one. */
    private static void progress(JsonNode params) {
        JsonNode token = params.path("_meta").get("progressToken");
        if (token != null) {
            ObjectNode notification = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/progress");
            notification.putObject("params").put("progress", 1).put("total", 2).set("progressToken", token);
            send(notification);
        }
    }

    /** Sends a request to the client and waits (10 s at most) for its whole answer. */
    private static JsonNode ask(String method, JsonNode params) throws Exception {
        String askId = "tiny-" + ASK_IDS.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        ASKED.put(askId, answer);
        ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", askId).put("method", method);
        request.set("params", params);
        send(request);
        return answer.get(10, TimeUnit.SECONDS);
    }

    private static ObjectNode text(String text) {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", false);
        return result;
    }

    private static void reply(JsonNode id, JsonNode result) {
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        send(response);
    }

    private static void error(JsonNode id, int code, String message) {
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        response.putObject("error").put("code", code).put("message", message);
        send(response);
    }

    private static void send(JsonNode message) {
        try {
            String line = JSON.writeValueAsString(message);
            synchronized (OUT) {
                OUT.print(line);
                OUT.print('\n');
                OUT.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
