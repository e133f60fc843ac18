package dev.mcpauth.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.Exchanges;
import dev.mcpauth.http.JsonErrors;
import dev.mcpauth.http.JsonRpcBody;
import dev.mcpauth.policy.Decision;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import dev.mcpauth.token.AccessToken;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tool authorization at the HTTP edge, before the MCP SDK sees the request: every {@code tools/call},
 * {@code prompts/get}, {@code resources/read}, {@code resources/subscribe|unsubscribe} and {@code completion/complete}
 * in a POSTed body (each message of a batch) is checked against the
 * {@link Policy}, a prompt under its name and a resource under its policy name (which the catalog knows), with the call's
 * arguments. Missing scopes answer {@code 403} with {@code error="insufficient_scope"} and the narrowest scopes to
 * re-authorize with, so standard MCP clients run step-up authorization (MCP authorization, "Scope Challenge
 * Handling"); a failed condition or an exhausted rate limit answers as {@link PolicyRefusals} says. Every denial is
 * audited here; allowed requests are audited by the MCP core when they have run (with upstream and latency), as
 * on stdio. An admitted request holds its places among the caller's concurrent calls until the exchange completes.
 * Needs {@link Exchanges#ACCESS_TOKEN} and {@link Exchanges#JSON_RPC_BODY} from the handlers before it.
 */
public final class ToolPolicyHandler implements HttpHandler {

    static final String TOOLS_CALL = "tools/call";
    static final String PROMPTS_GET = "prompts/get";
    static final String RESOURCES_READ = "resources/read";
    static final String RESOURCES_SUBSCRIBE = "resources/subscribe";
    static final String RESOURCES_UNSUBSCRIBE = "resources/unsubscribe";
    static final String COMPLETION_COMPLETE = "completion/complete";
    /** MCP 2026-07-28: refresh tokens are not a resource requirement, so never challenge for them. */
    private static final String OFFLINE_ACCESS = "offline_access";
    private static final Logger LOG = LoggerFactory.getLogger(ToolPolicyHandler.class);

    private final Policy policy;
    private final Challenge challenge;
    private final AuditLog audit;
    private final UnaryOperator<String> resourcePolicyName;
    private final HttpHandler next;

    /** One guarded request: what it uses ("tool", "prompt", "resource") and the name the policy knows that by. */
    private record Use(String kind, String policyName, String shown, PolicyRequest request, String traceId) {
        Use(String kind, String policyName, String shown, PolicyRequest request) {
            this(kind, policyName, shown, request, null);
        }

        Use traced(String id) {
            return new Use(kind, policyName, shown, request, id);
        }
    }

    /** Resources are checked under their bare URI (no upstream renames them). */
    public ToolPolicyHandler(Policy policy, Challenge challenge, AuditLog audit, HttpHandler next) {
        this(policy, challenge, audit, UnaryOperator.identity(), next);
    }

    /** @param resourcePolicyName the policy name of a resource URI (e.g. {@code fs__file:///x} for a prefixed upstream) */
    public ToolPolicyHandler(Policy policy, Challenge challenge, AuditLog audit, UnaryOperator<String> resourcePolicyName, HttpHandler next) {
        this.resourcePolicyName = Objects.requireNonNull(resourcePolicyName);
        this.policy = Objects.requireNonNull(policy);
        this.challenge = Objects.requireNonNull(challenge);
        this.audit = Objects.requireNonNull(audit);
        this.next = Objects.requireNonNull(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            next.handleRequest(exchange);
            return;
        }
        JsonRpcBody body = exchange.getAttachment(Exchanges.JSON_RPC_BODY);
        AccessToken token = exchange.getAttachment(Exchanges.ACCESS_TOKEN);
        if (body == null || token == null) {
            // Fail closed: a chain without the bearer or body handler before this one must not run tools.
            LOG.error("ToolPolicyHandler reached without {}; check the handler chain", body == null ? "a JSON-RPC body" : "an access token");
            JsonErrors.send(exchange, 500, "server_error", "The server is misconfigured and cannot authorize this request");
            return;
        }
        if (!RequestMetadataHeaders.matchBody(exchange, body.json())) {
            return;
        }
        List<Use> uses = new ArrayList<>();
        for (JsonNode message : messages(body.json())) {
            String method = message.path("method").asText("");
            Use use;
            try {
                use = use(method, message.path("params"));
            } catch (IllegalArgumentException invalid) {
                JsonErrors.sendJsonRpc(exchange, 400, idOf(message), -32602, "Invalid params: " + invalid.getMessage(), null);
                return;
            }
            if (use != null) {
                uses.add(use.traced(traceId(exchange, message)));
            }
        }
        List<Decision> admitted = new ArrayList<>();
        List<Decision> denied = new ArrayList<>();
        List<Use> deniedUses = new ArrayList<>();
        SortedSet<String> required = new TreeSet<>();
        for (Use use : uses) {
            Decision decision = policy.decide(token, use.request());
            required.addAll(decision.required());
            (decision.allowed() ? admitted : denied).add(decision);
            if (!decision.allowed()) {
                audit.authorization(AuthorizationEvent.decided("http", use.kind(), use.policyName(), token, decision, use.traceId()));
                deniedUses.add(use);
            }
        }
        if (!denied.isEmpty()) {
            admitted.forEach(Decision::release);
            refuse(exchange, token, denied, deniedUses, required);
            return;
        }
        if (!admitted.isEmpty()) {
            exchange.putAttachment(Exchanges.POLICY_ADMITTED, Boolean.TRUE);
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                admitted.forEach(Decision::release);
                nextListener.proceed();
            });
        }
        next.handleRequest(exchange);
    }

    /** Missing scopes come first (a step-up may fix them); then a failed condition; then a rate limit. */
    private void refuse(HttpServerExchange exchange, AccessToken token, List<Decision> denied, List<Use> uses, SortedSet<String> required) {
        for (Decision.Outcome outcome : List.of(Decision.Outcome.INSUFFICIENT_SCOPE, Decision.Outcome.CONDITION_FAILED, Decision.Outcome.RATE_LIMITED)) {
            for (int i = 0; i < denied.size(); i++) {
                Decision decision = denied.get(i);
                if (decision.outcome() != outcome) {
                    continue;
                }
                switch (outcome) {
                    case INSUFFICIENT_SCOPE -> insufficientScope(exchange, token, decision, uses.get(i), required, denied);
                    case CONDITION_FAILED -> PolicyRefusals.conditionFailed(exchange, uses.get(i).kind(), uses.get(i).shown(), decision);
                    default -> PolicyRefusals.rateLimited(exchange, uses.get(i).kind(), uses.get(i).shown(), decision);
                }
                return;
            }
        }
    }

    /**
     * What a request uses, or null when it names no tool, prompt or resource. Besides calls and reads, resource
     * subscriptions name a resource and completions a prompt or a resource (template): each is allowed only to callers
     * who may use what it names.
     */
    private Use use(String method, JsonNode params) {
        switch (method) {
            case TOOLS_CALL, PROMPTS_GET -> {
                String name = required(params.path("name"), method + " needs params.name, the name as a string");
                JsonNode arguments = params.path("arguments").isObject() ? params.path("arguments") : null;
                return TOOLS_CALL.equals(method) ? new Use("tool", name, name, PolicyRequest.tool(name, arguments))
                        : new Use("prompt", name, name, PolicyRequest.prompt(name, arguments));
            }
            case RESOURCES_READ -> {
                String uri = required(params.path("uri"), method + " needs params.uri, the resource's URI as a string");
                return resource(uri);
            }
            // These name what they use only when well formed; a malformed one names nothing and is left to the front,
            // which refuses it in the words of its own era (-32602, or 404 where the era has no such method).
            case RESOURCES_SUBSCRIBE, RESOURCES_UNSUBSCRIBE -> {
                String uri = params.path("uri").asText("");
                return uri.isEmpty() ? null : resource(uri);
            }
            case COMPLETION_COMPLETE -> {
                JsonNode ref = params.path("ref");
                String type = ref.path("type").asText("");
                String named = ref.path("ref/prompt".equals(type) ? "name" : "uri").asText("");
                if (named.isEmpty() || !("ref/prompt".equals(type) || "ref/resource".equals(type))) {
                    return null;
                }
                return "ref/prompt".equals(type) ? new Use("prompt", named, named, PolicyRequest.prompt(named, null)) : resource(named);
            }
            default -> {
                return null;
            }
        }
    }

    private Use resource(String uri) {
        String policyName = resourcePolicyName.apply(uri);
        return new Use("resource", policyName, uri, PolicyRequest.resource(policyName, uri));
    }

    private static String required(JsonNode value, String problem) {
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(problem);
        }
        return value.asText();
    }

    /**
     * 403 with the step-up set: what the token holds plus the narrowest scopes the refused calls lack, so that
     * re-authorizing does not drop scopes the client already uses (MCP authorization, "Server Scope Management").
     */
    private void insufficientScope(HttpServerExchange exchange, AccessToken token, Decision first, Use use, SortedSet<String> required,
                                   List<Decision> denied) {
        SortedSet<String> wanted = new TreeSet<>(token.scopes());
        denied.forEach(d -> wanted.addAll(d.sufficient()));
        // The narrowest scopes that suffice: a scope another one in the set implies adds nothing (MCP 2026-07-28).
        SortedSet<String> stepUp = policy.hierarchy().narrowest(wanted);
        stepUp.remove(OFFLINE_ACCESS);
        String description = capitalized(use.kind()) + " '" + use.shown() + "' needs scope " + String.join(" ", first.required())
                + " but the token lacks " + String.join(" ", first.missing())
                + "; re-authorize with scope '" + String.join(" ", stepUp) + "'";
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge.insufficientScope(stepUp, description));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("required_scope", String.join(" ", required));
        extra.put("token_scopes", String.join(" ", new TreeSet<>(token.scopes())));
        challenge.scopeUpgradeEndpoint().ifPresent(uri -> extra.put("scope_upgrade_endpoint", uri.toString()));
        extra.put(use.kind(), use.shown());
        extra.put("resource_metadata", challenge.resourceMetadataUrl().toString());
        JsonErrors.send(exchange, 403, "insufficient_scope", description, extra);
    }

    private static String capitalized(String kind) {
        return Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }

    static List<JsonNode> messages(JsonNode json) {
        List<JsonNode> messages = new ArrayList<>();
        if (json.isArray()) {
            json.forEach(messages::add);
        } else {
            messages.add(json);
        }
        return messages;
    }

    /** The W3C trace id of one message: its {@code _meta.traceparent} (MCP 2026-07-28), else the request's header. */
    private static final String TRACEPARENT = "traceparent";

    private static String traceId(HttpServerExchange exchange, JsonNode message) {
        String fromMeta = AuthorizationEvent.traceId(message.path("params").path("_meta").path(TRACEPARENT).asText(null));
        return fromMeta != null ? fromMeta : AuthorizationEvent.traceId(exchange.getRequestHeaders().getFirst(TRACEPARENT));
    }

    /** The JSON-RPC id to answer with: the request's own when it is a string or number, else null. */
    static Object idOf(JsonNode message) {
        JsonNode id = message.path("id");
        if (id.isTextual()) {
            return id.asText();
        }
        return id.isNumber() ? id.numberValue() : null;
    }
}
