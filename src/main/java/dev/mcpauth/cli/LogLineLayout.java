package dev.mcpauth.cli;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.util.CachingDateFormatter;
import java.util.function.BooleanSupplier;

/**
 * The text log line, {@code 11:02:03.456 WARN  d.m.gateway.GatewayServer - message}: what the pattern
 * {@code %d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n} wrote, with logback's own date formatter and logger-name
 * abbreviator, written out rather than parsed from a pattern (logback's pattern parser and the converters it builds by
 * name were ~12 ms of every start). An exception is one line, its chain without frames
 * ({@code  (java.io.IOException: refused Caused by: ...)}), so that a library logging a trace on every retry does not
 * bury the log; its full trace only while {@code traces} says so ({@code MCP_AUTH_LOG_LEVEL=DEBUG} or finer).
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {

    private final CachingDateFormatter time = new CachingDateFormatter("HH:mm:ss.SSS");
    private final TargetLengthBasedClassNameAbbreviator names = new TargetLengthBasedClassNameAbbreviator(20);
    private final BooleanSupplier traces;

    LogLineLayout(BooleanSupplier traces) {
        this.traces = traces;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        line.append(time.format(event.getTimeStamp())).append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(' ').append(names.abbreviate(event.getLoggerName())).append(" - ").append(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null && traces.getAsBoolean()) {
            line.append(CoreConstants.LINE_SEPARATOR).append(ThrowableProxyUtil.asString(thrown));
        } else if (thrown != null) {
            line.append(" (").append(oneLine(thrown)).append(')');
        }
        return line.append(CoreConstants.LINE_SEPARATOR).toString();
    }

    /** {@code java.io.IOException: refused Caused by: java.net.ConnectException: ...}, whitespace runs as one space. */
    static String oneLine(IThrowableProxy thrown) {
        StringBuilder chain = new StringBuilder();
        int depth = 0;
        for (IThrowableProxy at = thrown; at != null && depth < 16; at = at.getCause(), depth++) {
            if (depth > 0) {
                chain.append(" Caused by: ");
            }
            chain.append(at.getClassName());
            if (at.getMessage() != null) {
                chain.append(": ").append(at.getMessage());
            }
        }
        return chain.toString().replaceAll("\\s*[\\r\\n\\t]+\\s*", " ").strip();
    }
}
