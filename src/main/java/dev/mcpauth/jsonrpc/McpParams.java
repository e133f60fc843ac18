package dev.mcpauth.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The params of the MCP methods a client sends, checked against the schema of the revisions this gateway serves
 * (schema.ts of 2025-06-18, 2025-11-25 and 2026-07-28 agree on these shapes): a wrong shape is
 * {@value InvalidMessage#INVALID_PARAMS} naming the field. Methods not listed pass with only the common
 * {@code _meta} rule; the fronts answer unknown methods themselves. These rules are the whole check: the params are
 * also no longer bound to the SDK's records as a backstop (nothing reads them as those records since the gateway
 * answers through its own dispatch), which cost ~47 ms of every stdio start building Jackson's record deserializers
 * for {@code initialize} and the annotation proxies they read.
 */
final class McpParams {

    /** RFC 5424 severities, as MCP's {@code LoggingLevel} names them. */
    static final List<String> LOGGING_LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");
    static final List<String> REFERENCE_TYPES = List.of("ref/prompt", "ref/resource");
    /** The per-request version key of MCP 2026-07-28 ({@code ModernProtocol.PROTOCOL_VERSION_META}, read as {@code ProtocolEra} reads it). */
    static final String MODERN_VERSION_META = "io.modelcontextprotocol/protocolVersion";
    /** Methods MCP 2026-07-28 removed: in a modern message they are unknown methods, which its front answers with -32601. */
    static final Set<String> REMOVED_IN_MODERN = Set.of("ping", "completion/complete", "logging/setLevel",
            "resources/subscribe", "resources/unsubscribe");

    private McpParams() {
    }

    static Optional<InvalidMessage> problem(JsonNode message) {
        String method = message.get("method").textValue();
        JsonNode params = message.has("params") ? message.get("params") : MissingNode.getInstance();
        boolean notification = !message.has("id");
        JsonNode id = Envelope.validId(message.get("id"));
        if (params.isMissingNode() && needsParams(method)) {
            return invalid(id, "params must be an object: " + method + " has required members", notification);
        }
        String problem = params.isObject() ? problem(method, params) : null;
        return problem == null ? Optional.empty() : invalid(id, problem, notification);
    }

    /** A modern message naming a method its revision removed: no params rule applies, the front says -32601. */
    static boolean removedInItsRevision(JsonNode message) {
        return REMOVED_IN_MODERN.contains(message.get("method").textValue())
                && message.path("params").path("_meta").has(MODERN_VERSION_META);
    }

    private static boolean needsParams(String method) {
        return switch (method) {
            case "initialize", "tools/call", "prompts/get", "resources/read", "resources/subscribe", "resources/unsubscribe",
                 "completion/complete", "logging/setLevel", "notifications/progress" -> true;
            default -> false;
        };
    }

    /** Basic/index "_meta": an object; its progressToken a string or number (basic/utilities/progress). */
    private static String problem(String method, JsonNode params) {
        String meta = Shape.of(params, "params").optionalObject("_meta")
                .inside("_meta", m -> m.optionalStringOrNumber("progressToken"))
                .problem();
        return meta != null ? meta : methodProblem(method, Shape.of(params, "params"));
    }

    private static String methodProblem(String method, Shape params) {
        return switch (method) {
            case "initialize" -> params.string("protocolVersion")
                    .object("capabilities")
                    .inside("capabilities", c -> c.optionalObject("roots").inside("roots", r -> r.optionalBoolean("listChanged"))
                            .optionalObject("sampling")
                            .optionalObject("elicitation").inside("elicitation", e -> e.optionalObject("form").optionalObject("url"))
                            .optionalObject("experimental").optionalObject("tasks").optionalObjectMap("extensions"))
                    .object("clientInfo")
                    .inside("clientInfo", i -> i.string("name").optionalString("version").optionalString("title")
                            .optionalString("description").optionalString("websiteUrl").optionalArrayOfObjects("icons")
                            .insideEach("icons", icon -> icon.string("src").optionalString("mimeType")
                                    .optionalStringArray("sizes").optionalString("theme")))
                    .problem();
            case "tools/call" -> params.nonEmptyString("name").optionalObject("arguments").optionalObject("task").problem();
            case "prompts/get" -> params.nonEmptyString("name").optionalStringMap("arguments").problem();
            case "resources/read", "resources/subscribe", "resources/unsubscribe" -> params.nonEmptyString("uri").problem();
            case "tools/list", "prompts/list", "resources/list", "resources/templates/list" -> params.optionalString("cursor").problem();
            case "completion/complete" -> params.object("ref")
                    .inside("ref", r -> r.oneOf("type", REFERENCE_TYPES)
                            .when("type", "ref/prompt", p -> p.string("name"))
                            .when("type", "ref/resource", u -> u.string("uri")))
                    .object("argument")
                    .inside("argument", a -> a.string("name").string("value"))
                    .optionalObject("context")
                    .inside("context", c -> c.optionalStringMap("arguments"))
                    .problem();
            case "logging/setLevel" -> params.oneOf("level", LOGGING_LEVELS).problem();
            case "notifications/cancelled" -> params.optionalStringOrNumber("requestId").optionalString("reason").problem();
            case "notifications/progress" -> params.stringOrNumber("progressToken").number("progress").optionalNumber("total")
                    .optionalString("message").problem();
            default -> null;
        };
    }

    private static Optional<InvalidMessage> invalid(JsonNode id, String problem, boolean notification) {
        return Optional.of(new InvalidMessage(InvalidMessage.INVALID_PARAMS, id, "Invalid params: " + problem, notification));
    }
}
