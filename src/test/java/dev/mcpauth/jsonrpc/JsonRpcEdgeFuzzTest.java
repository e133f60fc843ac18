package dev.mcpauth.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * The edge gate ({@link JsonRpcMessages}) fed arbitrary JSON and mutated MCP messages, with no server around it:
 * it never throws, a refusal never carries a Java name, and whatever it lets through the SDK can read, so nothing
 * that passes can fail inside the SDK with its own words. The over-HTTP properties are in {@link HttpEdgeFuzzTest}.
 */
class JsonRpcEdgeFuzzTest {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JacksonMcpJsonMapper SDK = new JacksonMcpJsonMapper(new ObjectMapper());

    static final List<String> KEYS = List.of("jsonrpc", "id", "method", "params", "result", "error", "name", "arguments", "_meta",
            "progressToken", "uri", "level", "protocolVersion", "capabilities", "clientInfo", "roots", "listChanged", "ref", "type",
            "argument", "value", "context", "cursor", "requestId", "code", "message", "title", "version", "icons", "task", "sampling");

    static final List<String> TEMPLATES = List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":"
                    + "{\"roots\":{\"listChanged\":true},\"sampling\":{}},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"name\":\"add_numbers\",\"arguments\":{\"a\":1,\"b\":2},"
                    + "\"_meta\":{\"progressToken\":7}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/get\",\"params\":{\"name\":\"p\",\"arguments\":{\"x\":\"y\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///a\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"file:///a\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"info\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},"
                    + "\"argument\":{\"name\":\"a\",\"value\":\"b\"},\"context\":{\"arguments\":{\"k\":\"v\"}}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"cursor\":\"c\"}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7,\"reason\":\"r\"}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":7,\"progress\":1,\"total\":2}}",
            "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"roots\":[]}}",
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-1,\"message\":\"no\"}}");

    @Property(tries = 2000, shrinking = ShrinkingMode.BOUNDED)
    void theGateNeverFailsNeverLeaksAndWhatPassesTheSdkCanRead(@ForAll("messageTexts") String text) {
        JsonNode json;
        try {
            json = JsonRpcMessages.parse(text);
        } catch (JsonRpcMessages.ParseError e) {
            assertThat(e.invalid().response().toString()).doesNotContain(MalformedMessagesTest.FORBIDDEN);
            return;
        }
        Optional<InvalidMessage> invalid = JsonRpcMessages.problem(json);
        if (invalid.isPresent()) {
            assertThat(invalid.get().code()).isIn(InvalidMessage.INVALID_REQUEST, InvalidMessage.INVALID_PARAMS);
            assertThat(invalid.get().response().toString()).doesNotContain(MalformedMessagesTest.FORBIDDEN);
            return;
        }
        try {
            McpSchema.deserializeJsonRpcMessage(SDK, json.toString());
        } catch (Exception e) {
            fail("the gate let through what the SDK cannot read: " + text + " -> " + e);
        }
    }

    /** The generator's huge integers, pinned: an id past 64 bits is no id any front can keep, so it is refused. */
    @Example
    void aHugeNumericIdIsNotAnId() throws Exception {
        JsonNode message = JsonRpcMessages.parse("{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"tools/list\"}");
        assertThat(JsonRpcMessages.problem(message)).get().extracting(InvalidMessage::code).isEqualTo(InvalidMessage.INVALID_REQUEST);
    }

    /** Found by the property above: an error response with a null id passed the gate, and the SDK refused to read it. */
    @Example
    void anErrorResponseWithANullIdIsAnInvalidRequest() throws Exception {
        JsonNode message = JsonRpcMessages.parse("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-1,\"message\":\"no\"}}");
        assertThat(JsonRpcMessages.problem(message)).get().extracting(InvalidMessage::message).asString().contains("id must be");
    }

    @Provide
    Arbitrary<String> messageTexts() {
        return messageText();
    }

    /** Mutated valid messages as text, plus truncation, duplicate keys, deep nesting and plain random text. */
    static Arbitrary<String> messageText() {
        Arbitrary<String> mutated = mutatedMessage().map(JsonNode::toString);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, mutated),
                net.jqwik.api.Tuple.of(1, Combinators.combine(mutated, Arbitraries.integers().between(0, 400))
                        .as((t, n) -> t.substring(0, Math.min(n, t.length())))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(TEMPLATES).map(t -> t.replaceFirst("\\{", "{\"id\":1,\"method\":\"x\","))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 3000).map(n -> "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                        + "\"tools/call\",\"params\":{\"name\":\"a\",\"arguments\":{\"x\":" + "[".repeat(n) + "]".repeat(n) + "}}}")),
                net.jqwik.api.Tuple.of(1, jsonValue(3).map(JsonNode::toString)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(60)));
    }

    /** A valid message with one member replaced by an arbitrary JSON value, or removed. */
    static Arbitrary<JsonNode> mutatedMessage() {
        return Combinators.combine(Arbitraries.of(TEMPLATES), Arbitraries.integers().between(0, 40), jsonValue(3),
                Arbitraries.integers().between(0, 4)).as((template, where, value, how) -> {
                    JsonNode message = read(template);
                    List<Map.Entry<ObjectNode, String>> members = new ArrayList<>();
                    collect(message, members);
                    Map.Entry<ObjectNode, String> target = members.get(where % members.size());
                    if (how == 0) {
                        target.getKey().remove(target.getValue());
                    } else {
                        target.getKey().set(target.getValue(), value);
                    }
                    return message;
                });
    }

    private static void collect(JsonNode node, List<Map.Entry<ObjectNode, String>> members) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> members.add(Map.entry(object, name)));
            object.elements().forEachRemaining(child -> collect(child, members));
        }
    }

    /** Arbitrary JSON: scalars (huge numbers and any unicode included), arrays and objects keyed mostly by MCP's words. */
    static Arbitrary<JsonNode> jsonValue(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.just(NullNode.instance),
                Arbitraries.of(true, false).map(BooleanNode::valueOf),
                Arbitraries.longs().map(LongNode::valueOf),
                Arbitraries.strings().numeric().ofMinLength(19).ofMaxLength(400).map(d -> (JsonNode) new BigIntegerNode(new BigInteger("9" + d))),
                Arbitraries.doubles().map(DoubleNode::valueOf),
                Arbitraries.of("2.0", "1.0", "initialize", "tools/call", "info", "ref/prompt", "ref/resource", "", "2025-11-25")
                        .map(TextNode::valueOf),
                Arbitraries.strings().all().ofMaxLength(20).map(TextNode::valueOf));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> inner = jsonValue(depth - 1);
        Arbitrary<JsonNode> arrays = inner.list().ofMaxSize(3).map(list -> {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            list.forEach(array::add);
            return array;
        });
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(KEYS), Arbitraries.strings().all().ofMaxLength(6));
        Arbitrary<JsonNode> objects = Arbitraries.maps(keys, inner).ofMaxSize(4).map(map -> {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            map.forEach(object::set);
            return object;
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, leaf), net.jqwik.api.Tuple.of(1, arrays), net.jqwik.api.Tuple.of(2, objects));
    }

    static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
