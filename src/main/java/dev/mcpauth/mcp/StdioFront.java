package dev.mcpauth.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.token.AccessToken;
import dev.mcpauth.token.TokenRejected;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Serves the gateway's MCP server over stdin/stdout, for a local client that spawns the process. The caller's
 * token is verified once at start and checked again on every request: an expired or rejected token makes each
 * request fail with a JSON-RPC error (code {@value ToolInvoker#INVALID_TOKEN}) that says what to do, never a crash.
 * {@code initialize}, {@code ping} and notifications still work, so the client connects and shows that error on its first call.
 * Only protocol goes to the output stream; logs belong on stderr. Optionally a {@link StdioServerTransport.Lane}
 * answers MCP 2026-07-28's stateless requests beside the session, admitted by the same credential check.
 */
public final class StdioFront {

    /** Where the caller's token comes from: re-verified on each call, so the verifier refuses it once it expires. */
    @FunctionalInterface
    public interface Credential {
        AccessToken current() throws TokenRejected;
    }

    /** The credential check every request runs through, for a lane that answers requests beside the session. */
    @FunctionalInterface
    public interface Admission {
        /**
         * The context a request runs with (the current token), or an {@link McpError} (code
         * {@value ToolInvoker#INVALID_TOKEN}) when the token expired or was rejected.
         *
         * @param lifecycle whether the request only brings the connection up (initialize, ping, server/discover):
         *                  those pass even with a bad token, so the client connects and shows the error on its first call
         */
        McpTransportContext admit(boolean lifecycle);
    }

    private final StdioServerTransport transport;
    private final GatewayMcpServer server;
    private final Credential credential;

    public StdioFront(McpServerFactory factory, Credential credential, InputStream in, OutputStream out) {
        this(factory, credential, in, out, Duration.ofSeconds(60));
    }

    public StdioFront(McpServerFactory factory, Credential credential, InputStream in, OutputStream out, Duration drainTimeout) {
        this(factory, credential, in, out, drainTimeout, admission -> StdioServerTransport.Lane.NONE);
    }

    /** @param lane builds the lane for messages answered beside the session, given this front's credential check */
    public StdioFront(McpServerFactory factory, Credential credential, InputStream in, OutputStream out,
            Duration drainTimeout, Function<Admission, StdioServerTransport.Lane> lane) {
        this.credential = Objects.requireNonNull(credential);
        this.transport = new StdioServerTransport(in, out, this::admit, drainTimeout, lane.apply(this::admit));
        this.server = factory.singleSession(transport);
    }

    /** Serves until the input ends and every reply is flushed; then returns, so the process can exit 0. */
    public void run() {
        try {
            transport.run();
        } finally {
            server.close();
        }
    }

    /** The context a message runs with: the current token, if it is still good. */
    private McpTransportContext admit(JsonNode message) {
        // Lifecycle traffic passes, so the session comes up; every other request needs a good token.
        String method = message.path("method").asText("");
        boolean exempt = !message.has("id") || McpSchema.METHOD_INITIALIZE.equals(method) || McpSchema.METHOD_PING.equals(method);
        return admit(exempt);
    }

    private McpTransportContext admit(boolean exempt) {
        AccessToken token;
        try {
            token = credential.current();
        } catch (TokenRejected rejected) {
            if (exempt) {
                return McpTransportContext.EMPTY;
            }
            // The credential re-verifies on each request, so expiry (with the clock skew) is the verifier's verdict.
            throw invalidToken(rejected.reason().errorCode(), "The access token was rejected: " + rejected.description()
                    + "; obtain a new token and restart mcp-auth");
        }
        return RequestContexts.forStdio(token);
    }

    private static McpError invalidToken(String error, String description) {
        return McpError.builder(ToolInvoker.INVALID_TOKEN)
                .message(description)
                .data(Map.of("error", error, "error_description", description))
                .build();
    }
}
