package dev.mcpauth.modern;

import java.util.List;

/**
 * The words of MCP 2026-07-28, the stateless ("modern") revision: its version, the reserved {@code _meta} keys every
 * request and result carries, and the error codes the revision defines (basic/index, "Error Codes").
 */
public final class ModernProtocol {

    /** The first modern revision; revision identifiers are ISO dates, so string order is time order (basic/versioning). */
    public static final String VERSION = "2026-07-28";
    /** Modern revisions this gateway serves statelessly. */
    public static final List<String> MODERN_VERSIONS = List.of(VERSION);
    /** Every revision the endpoint speaks, newest first: the modern one here, the legacy ones through the SDK. */
    public static final List<String> SUPPORTED_VERSIONS = List.of(VERSION, "2025-11-25", "2025-06-18");

    public static final String PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO_META = "io.modelcontextprotocol/clientInfo";
    public static final String SERVER_INFO_META = "io.modelcontextprotocol/serverInfo";
    public static final String SUBSCRIPTION_ID_META = "io.modelcontextprotocol/subscriptionId";
    /** The log level a client asks for on one request: 2026-07-28 has no logging/setLevel session state. */
    public static final String LOG_LEVEL_META = "io.modelcontextprotocol/logLevel";

    public static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";
    public static final String METHOD_HEADER = "Mcp-Method";
    public static final String NAME_HEADER = "Mcp-Name";
    public static final String PARAM_HEADER_PREFIX = "Mcp-Param-";

    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INVALID_REQUEST = -32600;
    /** Headers missing, malformed, or not matching the body (streamable-http, "Server Validation"). */
    public static final int HEADER_MISMATCH = dev.mcpauth.http.MetadataHeaders.HEADER_MISMATCH;
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    public static final String SERVER_DISCOVER = "server/discover";
    public static final String TOOLS_LIST = "tools/list";
    public static final String TOOLS_CALL = "tools/call";
    public static final String SUBSCRIPTIONS_LISTEN = "subscriptions/listen";
    public static final String RESOURCES_LIST = "resources/list";
    public static final String RESOURCES_TEMPLATES_LIST = "resources/templates/list";
    public static final String RESOURCES_READ = "resources/read";
    public static final String PROMPTS_LIST = "prompts/list";
    public static final String PROMPTS_GET = "prompts/get";
    /** The requests relayed to an upstream that may ask the client for input or report progress while it works. */
    public static final java.util.Set<String> RELAYED = java.util.Set.of(TOOLS_CALL, PROMPTS_GET, RESOURCES_READ);
    public static final String TOOLS_LIST_CHANGED = "notifications/tools/list_changed";
    public static final String PROMPTS_LIST_CHANGED = "notifications/prompts/list_changed";
    public static final String RESOURCES_LIST_CHANGED = "notifications/resources/list_changed";
    public static final String SUBSCRIPTIONS_ACKNOWLEDGED = "notifications/subscriptions/acknowledged";
    public static final String CANCELLED = "notifications/cancelled";


    private ModernProtocol() {
    }

    /** Whether a revision belongs to the modern era (2026-07-28 and later). */
    public static boolean isModern(String version) {
        return version != null && isRevision(version) && version.compareTo(VERSION) >= 0;
    }

    /** YYYY-MM-DD, checked by hand: this runs on every request, and a regex match was a measurable share of it. */
    private static boolean isRevision(String version) {
        if (version.length() != 10) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            char c = version.charAt(i);
            if (i == 4 || i == 7 ? c != '-' : c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The methods whose {@code Mcp-Name} header is required: it mirrors {@code params.name} or {@code params.uri}. */
    public static boolean hasNameHeader(String method) {
        return TOOLS_CALL.equals(method) || RESOURCES_READ.equals(method) || PROMPTS_GET.equals(method);
    }
}
