package dev.mcpauth.mcp;

import dev.mcpauth.policy.Policy;
import dev.mcpauth.policy.PolicyRequest;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link ResourceCatalog} for {@code resources/list}, {@code resources/templates/list} and
 * {@code resources/read}, guarded like tools under each resource's policy name ({@code <upstream>__<uri>} when the
 * upstream is prefixed, the bare URI otherwise; a template's reads under the name of the URI read). Lists show only
 * what the caller may read; a read is checked again here (defence in depth, the only guard on stdio). A URI no source
 * offers is JSON-RPC error {@value #RESOURCE_NOT_FOUND} (MCP 2025-11-25 and earlier; 2026-07-28 maps it).
 */
public final class ResourceInvoker {

    /** "Resource not found" (MCP server/resources, "Error Handling", up to 2025-11-25). */
    public static final int RESOURCE_NOT_FOUND = McpSchema.ErrorCodes.RESOURCE_NOT_FOUND;

    private static final Logger log = LoggerFactory.getLogger(ResourceInvoker.class);

    private final ResourceCatalog catalog;
    private final ScopeGuard guard;

    public ResourceInvoker(ToolCatalog catalog, Policy policy, String scopeUpgradeEndpoint, Clock clock) {
        this.catalog = catalog.resourceCatalog();
        this.guard = new ScopeGuard(Objects.requireNonNull(policy), scopeUpgradeEndpoint, clock);
    }

    /** Whether {@code resources/list} shows {@code resource} to this caller: only what its scopes let it read. */
    public boolean visible(McpTransportContext context, McpSchema.Resource resource) {
        return guard.permits(context, catalog.policyName(resource.uri()));
    }

    /** A template is listed to whoever may read a URI named like the template itself (its policy name). */
    public boolean visible(McpTransportContext context, McpSchema.ResourceTemplate template) {
        return guard.permits(context, templatePolicyName(template.uriTemplate()));
    }

    /** Whether the lists of resources and templates depend on who asks (some entry needs a scope). */
    public boolean listDependsOnCaller() {
        return catalog.resources().stream().anyMatch(r -> guard.restricted(r.policyName()))
                || catalog.templates().stream().anyMatch(t -> guard.restricted(templatePolicyName(t.uriTemplate())));
    }

    public McpSchema.ReadResourceResult read(McpTransportContext context, McpSchema.ReadResourceRequest request) {
        String uri = request.uri();
        ResourceCatalog.Route route = catalog.route(uri).orElse(null);
        AccessToken token = guard.authorize(context, PolicyRequest.resource(route == null ? uri : route.policyName(), uri));
        if (route == null) {
            throw McpError.builder(RESOURCE_NOT_FOUND).message("Resource not found: " + uri + " (no upstream lists it or has a template matching it)")
                    .data(Map.of("uri", uri)).build();
        }
        try {
            McpSchema.ReadResourceResult result = route.reader().read(uri, RequestContexts.callTrace(context), CallerChannel.of(context),
                    request.meta() == null ? Map.of() : request.meta());
            if (result == null) {
                throw new IllegalStateException("resource reader returned no result");
            }
            return result;
        } catch (McpError e) {
            // A deliberate protocol error (e.g. relayed from an upstream server): its message is meant for the client.
            throw e;
        } catch (Exception e) {
            log.warn("resource {} failed for {}: {}", uri, ScopeGuard.principal(token), e.toString());
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                    .message("Reading resource '" + uri + "' failed unexpectedly; the gateway logged the details.").build();
        }
    }

    private String templatePolicyName(String uriTemplate) {
        return catalog.templates().stream().filter(t -> t.uriTemplate().equals(uriTemplate)).findFirst()
                .map(t -> t.policyName().apply(uriTemplate)).orElse(uriTemplate);
    }
}
