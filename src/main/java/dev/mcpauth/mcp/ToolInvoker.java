package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.policy.Decision;
import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.trace.CallTrace;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a catalog tool for one {@code tools/call}: checks the caller's token against the {@link Policy} again
 * (defence in depth over the HTTP layer, and the only guard on stdio), then the tool's handler. Denials are JSON-RPC
 * errors carrying the same fields as the HTTP 403 body; arguments that do not match the tool's input schema, and a tool
 * that throws, become {@code isError} results (SEP-1303: the model can read them and correct its call).
 */
public final class ToolInvoker {

    /** JSON-RPC error code for a token that lacks a tool's scopes (the 403 of the JSON-RPC layer). */
    public static final int INSUFFICIENT_SCOPE = -32003;
    /** JSON-RPC error code for a missing, expired or rejected token (the 401 of the JSON-RPC layer). */
    public static final int INVALID_TOKEN = -32001;

    private static final Logger log = LoggerFactory.getLogger(ToolInvoker.class);

    private final ToolCatalog catalog;
    private final ScopeGuard guard;
    private final ToolSchemas schemas;

    public ToolInvoker(ToolCatalog catalog, Policy policy, String scopeUpgradeEndpoint, Clock clock) {
        this(catalog, policy, scopeUpgradeEndpoint, clock, new ToolSchemas());
    }

    public ToolInvoker(ToolCatalog catalog, Policy policy, String scopeUpgradeEndpoint, Clock clock, ToolSchemas schemas) {
        this.catalog = catalog;
        this.guard = new ScopeGuard(policy, scopeUpgradeEndpoint, clock);
        this.schemas = schemas;
    }

    /**
     * Whether {@code tools/list} shows {@code tool} to this caller: only tools its scopes permit. A request without a
     * token (no-auth mode) holds no scopes, so it sees the tools the policy lets anyone call.
     */
    public boolean visible(McpTransportContext context, McpSchema.Tool tool) {
        return guard.permits(context, tool.name());
    }

    /** Whether the list of tools depends on who asks (some tool needs a scope, or a condition on claims). */
    public boolean listDependsOnCaller() {
        return catalog.tools().stream().anyMatch(t -> guard.restricted(t.name()));
    }

    /** Authorizes and runs one call; when it ran, audits it with its outcome, upstream and latency. */
    public McpSchema.CallToolResult call(McpTransportContext context, McpSchema.CallToolRequest request) {
        return call(context, request, null);
    }

    /**
     * As {@link #call(McpTransportContext, McpSchema.CallToolRequest)}, with the arguments also as the JSON they
     * arrived in (null when there is none), which the policy and the input schema check read instead of converting the
     * map back.
     */
    public McpSchema.CallToolResult call(McpTransportContext context, McpSchema.CallToolRequest request, JsonNode arguments) {
        // The policy reads the arguments as the JSON they arrived in when there is one, rather than the map turned back.
        Decision decision = guard.admit(context, arguments != null && arguments.isObject() ? PolicyRequest.tool(request.name(), arguments)
                : PolicyRequest.tool(request.name(), request.arguments()), request.meta());
        long start = System.nanoTime();
        String outcome = "failed";
        try {
            McpSchema.CallToolResult result = run(context, RequestContexts.accessToken(context), request, arguments);
            outcome = Boolean.TRUE.equals(result.isError()) ? "error" : "ok";
            return result;
        } finally {
            decision.release();
            guard.ran(context, request, decision, catalog.sourceOf(request.name()), outcome, System.nanoTime() - start);
        }
    }

    private McpSchema.CallToolResult run(McpTransportContext context, AccessToken token, McpSchema.CallToolRequest request,
                                         JsonNode arguments) {
        String name = request.name();
        CatalogTool tool = catalog.find(name).orElseThrow(() -> McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message("Unknown tool: " + name).build());
        // Arguments and structured results are checked here, not by the SDK, so that every front (both protocol eras,
        // HTTP and stdio) checks them alike, against schemas compiled once (ToolSchemas).
        String invalid = arguments != null && arguments.isObject() ? schemas.checkArgumentTree(tool.tool(), arguments)
                : schemas.checkArguments(tool.tool(), request.arguments());
        if (invalid != null) {
            return McpSchema.CallToolResult.builder().addTextContent(invalid).isError(true).build();
        }
        // A call to an upstream is a span of its own, and the upstream is told its trace context in _meta.
        CallTrace.Hop hop = CallTrace.upstreamCall(RequestContexts.callTrace(context), upstreamOf(name), name);
        String outcome = "failed";
        try {
            Map<String, Object> meta = hop.meta(request.meta() == null ? Map.of() : request.meta());
            McpSchema.CallToolResult result = tool.handler().call(new ToolCall(token, name, request.arguments(), meta, CallerChannel.of(context)));
            if (result == null) {
                throw new IllegalStateException("tool handler returned no result");
            }
            outcome = Boolean.TRUE.equals(result.isError()) ? "error" : "ok";
            return schemas.checkResult(tool.tool(), result);
        } catch (McpError e) {
            // A deliberate protocol error (e.g. relayed from an upstream server): its message is meant for the client.
            throw e;
        } catch (java.util.concurrent.CancellationException e) {
            // The client cancelled the call: the upstream was told, and the front drops this answer.
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message("Request cancelled by the client").build();
        } catch (Exception e) {
            log.warn("tool {} failed for {}: {}", name, principal(token), e.toString());
            return McpSchema.CallToolResult.builder()
                    .addTextContent("Tool '" + name + "' failed unexpectedly; the gateway logged the details.")
                    .isError(true)
                    .build();
        } finally {
            hop.end(outcome);
        }
    }

    /** The upstream serving {@code tool}, or null for the gateway's own tools (nothing to propagate). */
    private String upstreamOf(String tool) {
        String source = catalog.sourceOf(tool);
        return source != null && source.startsWith(ScopeGuard.UPSTREAM_SOURCE) ? source.substring(ScopeGuard.UPSTREAM_SOURCE.length()) : null;
    }

    private static String principal(AccessToken token) {
        return ScopeGuard.principal(token);
    }
}
