package dev.mcpauth.http;

import dev.mcpauth.token.AccessToken;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/** What one handler in the chain leaves on the exchange for the handlers after it. */
public final class Exchanges {

    /** The caller's verified token, set by the bearer-auth handler. */
    public static final AttachmentKey<AccessToken> ACCESS_TOKEN = AttachmentKey.create(AccessToken.class);

    /** The request body, read once (size-limited) and parsed as JSON, for the policy and the MCP transport. */
    public static final AttachmentKey<JsonRpcBody> JSON_RPC_BODY = AttachmentKey.create(JsonRpcBody.class);

    /** Set (true) once the per-tool policy admitted every call in the body and charged its rate limits. */
    public static final AttachmentKey<Boolean> POLICY_ADMITTED = AttachmentKey.create(Boolean.class);

    /**
     * Who the caller is for per-subject limits: the token's issuer and subject, whatever client it used (one person
     * with many clients is still one subject); empty without a token.
     */
    public static String subject(HttpServerExchange exchange) {
        AccessToken token = exchange.getAttachment(ACCESS_TOKEN);
        return token == null ? "" : token.issuer() + "\n" + token.subject();
    }

    private Exchanges() {
    }
}
