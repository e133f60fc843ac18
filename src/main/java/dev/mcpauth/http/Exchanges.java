package dev.mcpauth.http;

import dev.mcpauth.token.AccessToken;
import io.undertow.util.AttachmentKey;

/** What one handler in the chain leaves on the exchange for the handlers after it. */
public final class Exchanges {

    /** The caller's verified token, set by the bearer-auth handler. */
    public static final AttachmentKey<AccessToken> ACCESS_TOKEN = AttachmentKey.create(AccessToken.class);

    /** The request body, read once (size-limited) and parsed as JSON, for the policy and the MCP transport. */
    public static final AttachmentKey<JsonRpcBody> JSON_RPC_BODY = AttachmentKey.create(JsonRpcBody.class);

    private Exchanges() {
    }
}
