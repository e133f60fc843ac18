package dev.mcpauth.resource;

import dev.mcpauth.policy.Decision;
import dev.mcpauth.token.AccessToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one line per authentication outcome and per authorization decision, on the logger named
 * {@code audit}, as {@code key=value} pairs. Never a token or secret: a rejected token appears at most as the
 * first 12 hex digits of its SHA-256, enough to correlate, useless to replay.
 */
public final class AuditLog {

    public static final String LOGGER_NAME = "audit";

    private final Logger log;

    public AuditLog() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    public AuditLog(Logger log) {
        this.log = log;
    }

    /** A tool call was allowed or denied by the policy; both are audited at INFO. */
    public void toolDecision(AccessToken token, Decision decision, String transport) {
        log.info("event=tool_call decision={} subject={} client={} tool={} reason={}{} transport={}",
                decision.allowed() ? "allow" : "deny",
                value(token == null ? null : token.principal()),
                value(token == null ? null : token.clientId()),
                value(decision.tool()),
                value(decision.reason()),
                decision.limit() == null ? "" : " limit=" + value(decision.limit()),
                value(transport));
    }

    /** Whether {@link #authenticated} writes anything: callers skip preparing its arguments when not. */
    public boolean logsAuthentications() {
        return log.isDebugEnabled();
    }

    /** A token was accepted; routine, so DEBUG. */
    public void authenticated(AccessToken token, String remote) {
        if (log.isDebugEnabled()) {
            log.debug("event=authn decision=allow subject={} client={} jti={} remote={}",
                    value(token.principal()), value(token.clientId()), value(stringClaim(token, "jti")), value(remote));
        }
    }

    /** A request was refused authentication; {@code token} may be null when none was sent. */
    public void rejected(String error, String description, String token, String remote) {
        log.info("event=authn decision=deny error={} token_sha256={} reason={} remote={}",
                value(error), token == null ? "-" : fingerprint(token), value(description), value(remote));
    }

    /** The first 12 hex digits of the token's SHA-256: correlates log lines without revealing the token. */
    public static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static String stringClaim(AccessToken token, String name) {
        Object v = token.claims().get(name);
        return v instanceof String s ? s : null;
    }

    /** Quotes values with spaces and neutralises line breaks, so one event is always one parseable line. */
    static String value(String v) {
        if (v == null || v.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(v.length(), 200) + 2);
        boolean quote = false;
        for (int i = 0; i < v.length() && i < 200; i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                out.append('?');
            } else if (c == '"') {
                out.append('\'');
            } else {
                quote |= c == ' ' || c == '=';
                out.append(c);
            }
        }
        return quote ? "\"" + out + "\"" : out.toString();
    }
}
