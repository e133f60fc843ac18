package dev.mcpauth.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.LoggerFactory;

/**
 * The logging set-up in code rather than logback.xml: parsing XML (SAX, Joran) cost ~40 ms of every start, and
 * local MCP clients start one process per session. An explicit {@code -Dlogback.configurationFile} or a
 * {@code logback-test.xml} on the class path still wins. Every line goes to stderr: stdout belongs to the stdio
 * protocol and to command output. Levels: {@code MCP_AUTH_LOG_LEVEL} (default INFO) and
 * {@code MCP_AUTH_ACCESS_LOG_LEVEL} for the {@code access} logger (default WARN). Format: {@code MCP_AUTH_LOG_FORMAT}
 * or {@code serve --log-format} ({@link #useFormat}); the text line is {@link LogLineLayout}'s.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    private static final String APPENDER = "STDERR";
    private static final String[] QUIET_LIBRARIES = {"io.undertow", "org.xnio", "org.jboss", "io.modelcontextprotocol", "reactor"};

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(APPENDER);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context, System.getenv("MCP_AUTH_LOG_FORMAT")));
        stderr.start();
        for (String library : QUIET_LIBRARIES) {
            context.getLogger(library).setLevel(Level.WARN);
        }
        context.getLogger("access").setLevel(level("MCP_AUTH_ACCESS_LOG_LEVEL", Level.WARN));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("MCP_AUTH_LOG_LEVEL", Level.INFO));
        root.addAppender(stderr);
        // The audit trail (a line per call) to the same stderr, from a bounded queue off the request threads.
        AuditQueue audit = new AuditQueue(AuditQueue.DEFAULT_CAPACITY);
        audit.setContext(context);
        audit.addAppender(stderr);
        audit.start();
        ch.qos.logback.classic.Logger auditLogger = context.getLogger(dev.mcpauth.resource.AuditLog.LOGGER_NAME);
        auditLogger.setAdditive(false);
        auditLogger.addAppender(audit);
        // Lines still queued at exit are written (up to AsyncAppender's one-second flush limit).
        Runtime.getRuntime().addShutdownHook(new Thread(audit::stop, "mcp-auth-audit-flush"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Switches every log line to {@code format}: "text" (the default) or "json", one JSON object per line with the
     * audit event's fields as {@code kvpList} (logback's JsonEncoder). Does nothing under a logback.xml of the user's.
     */
    public static void useFormat(String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
                || !(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> stderr)) {
            return;
        }
        Encoder<ILoggingEvent> encoder = encoder(context, format);
        stderr.stop();
        stderr.setEncoder(encoder);
        stderr.start();
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
        if (format != null && format.trim().equalsIgnoreCase("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMDC(false);
            json.setWithArguments(false);
            json.setWithMessage(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LogLineLayout layout = new LogLineLayout(root::isDebugEnabled);
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    /** The level an environment variable names (as logback.xml's {@code ${VAR:-default}} did), else the default. */
    private static Level level(String variable, Level fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : Level.toLevel(value.trim(), fallback);
    }
}
