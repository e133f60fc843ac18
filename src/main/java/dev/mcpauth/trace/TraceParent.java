package dev.mcpauth.trace;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} (https://www.w3.org/TR/trace-context/ §3.2): version 00, a 16-byte trace id
 * and an 8-byte parent id in lowercase hex, neither all zeros, and the trace flags. Anything else is ignored, as the
 * specification asks (§3.2.2.3: a receiver that cannot parse it starts a new trace).
 */
public record TraceParent(String traceId, String parentId, int flags) {

    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    /** The header or {@code _meta} value, if it is a valid version-00 traceparent. */
    public static Optional<TraceParent> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(value.strip());
        if (!m.matches() || m.group(1).chars().allMatch(c -> c == '0') || m.group(2).chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(m.group(1), m.group(2), Integer.parseInt(m.group(3), 16)));
    }

    public boolean sampled() {
        return (flags & 1) == 1;
    }

    public String format() {
        return "00-" + traceId + "-" + parentId + "-" + String.format(Locale.ROOT, "%02x", flags);
    }
}
