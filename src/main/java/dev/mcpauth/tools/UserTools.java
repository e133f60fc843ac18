package dev.mcpauth.tools;

import static dev.mcpauth.tools.Schemas.props;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import dev.mcpauth.token.AccessToken;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code get_user_info}: who the caller is, as its verified access token says. */
public final class UserTools {

    public static final String GET_USER_INFO = "get_user_info";

    private final Clock clock;

    public UserTools() {
        this(Clock.systemUTC());
    }

    public UserTools(Clock clock) {
        this.clock = clock;
    }

    public List<CatalogTool> tools() {
        return List.of(getUserInfo());
    }

    public CatalogTool getUserInfo() {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(GET_USER_INFO)
                .title("Get user info")
                .description("Describes the caller from its verified access token: subject, client id, scopes, audience, issuer and expiry.")
                .inputSchema(Schemas.noArguments())
                .outputSchema(outputSchema())
                .annotations(McpSchema.ToolAnnotations.builder().title("Get user info").readOnlyHint(true)
                        .destructiveHint(false).idempotentHint(true).openWorldHint(false).build())
                .build();
        return new CatalogTool(tool, Results.guarded(this::describe));
    }

    private CallToolResult describe(ToolCall call) throws BadArgument {
        Arguments.of(call.arguments(), Set.of());
        AccessToken token = call.caller();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("subject", token.subject());
        result.put("client_id", token.clientId());
        result.put("scopes", List.copyOf(new TreeSet<>(token.scopes())));
        result.put("audience", token.audiences());
        result.put("issuer", token.issuer());
        Instant expiresAt = token.expiresAt();
        result.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        result.put("expires_in", expiresAt == null ? null : Math.max(0, Duration.between(clock.instant(), expiresAt).toSeconds()));
        return Results.structured(result);
    }

    private static Map<String, Object> outputSchema() {
        return Schemas.object(props(
                "subject", Schemas.nullable("string", "The token's sub claim"),
                "client_id", Schemas.nullable("string", "The OAuth client the token was issued to"),
                "scopes", Schemas.stringArray("Granted scopes, sorted"),
                "audience", Schemas.stringArray("The token's aud values"),
                "issuer", Schemas.nullable("string", "The token's iss claim"),
                "expires_at", Schemas.nullable("string", "Expiry, ISO-8601"),
                "expires_in", Schemas.nullable("integer", "Seconds until expiry (0 once expired)")),
                List.of("subject", "client_id", "scopes", "audience", "issuer", "expires_at", "expires_in"));
    }
}
