package dev.mcpauth.resource;

import dev.mcpauth.metrics.Metrics;
import dev.mcpauth.token.AccessToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The audit trail: one event per refused authentication and per authorization decision, on the logger named
 * {@code audit}, as {@code key=value} pairs (and as fields with {@code --log-format json}); also counted in
 * {@link Metrics}. Never a token or secret: a rejected token appears at most as the
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

    /**
     * One authorization decision, at INFO: the same event for HTTP and stdio. The key-value pairs travel with the event
     * (so {@code --log-format json} writes them as fields) and make up the text line as {@code key=value}.
     */
    public void authorization(AuthorizationEvent e) {
        Metrics.decision(e.kind(), e.name(), e.policy());
        AccessToken token = e.caller();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", "authorization");
        fields.put("decision", e.allowed() ? "allow" : "deny");
        fields.put("kind", e.kind());
        fields.put("tool", e.name());
        fields.put("subject", token == null ? null : token.principal());
        fields.put("client", token == null ? null : token.clientId());
        fields.put("issuer", token == null ? null : token.issuer());
        fields.put("reason", e.reason());
        if (e.limit() != null) {
            fields.put("limit", e.limit());
        }
        fields.put("upstream", e.upstream());
        fields.put("outcome", e.outcome());
        fields.put("latency_ms", e.latency() == null ? null : Long.toString(e.latency().toMillis()));
        fields.put("trace_id", e.traceId());
        fields.put("transport", e.transport());
        write(fields);
    }

    private void write(Map<String, String> fields) {
        if (!log.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder event = log.atInfo();
        StringBuilder line = new StringBuilder(160);
        fields.forEach((key, v) -> {
            String clean = clean(v);
            event.addKeyValue(key, clean);
            line.append(line.isEmpty() ? "" : " ").append(key).append('=').append(quoted(clean));
        });
        event.log(line.toString());
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
        Metrics.authenticationRejected(error);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", "authn");
        fields.put("decision", "deny");
        fields.put("error", error);
        fields.put("token_sha256", token == null ? null : fingerprint(token));
        fields.put("reason", description);
        fields.put("remote", remote);
        write(fields);
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
        return quoted(clean(v));
    }

    /** At most 200 characters, control characters as '?', double quotes as single ones; "-" for nothing. */
    private static String clean(String v) {
        if (v == null || v.isEmpty()) {
            return "-";
        }
        if (v.length() <= 200 && alreadyClean(v)) {
            return v;
        }
        StringBuilder out = new StringBuilder(Math.min(v.length(), 200));
        for (int i = 0; i < v.length() && i < 200; i++) {
            char c = v.charAt(i);
            out.append(c < 0x20 || c == 0x7F ? '?' : c == '"' ? '\'' : c);
        }
        return out.toString();
    }

    /** Most values (names, subjects, outcomes) need no change: no copy is made of them on every call. */
    private static boolean alreadyClean(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"') {
                return false;
            }
        }
        return true;
    }

    private static String quoted(String clean) {
        return clean.indexOf(' ') >= 0 || clean.indexOf('=') >= 0 ? "\"" + clean + "\"" : clean;
    }
}
