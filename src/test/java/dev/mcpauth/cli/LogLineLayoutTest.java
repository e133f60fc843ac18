package dev.mcpauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** The text log line is the pattern's line, written out; an exception is one line unless traces are asked for. */
class LogLineLayoutTest {

    private final LoggerContext context = new LoggerContext();

    @Test
    void aLineIsWhatTheFormerPatternWrote() {
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
        pattern.start();
        LogLineLayout layout = started(false);

        for (Level level : new Level[] {Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE}) {
            for (String logger : new String[] {"audit", "dev.mcpauth.gateway.GatewayServer", "io.undertow.request.io", "x"}) {
                LoggingEvent event = event(logger, level, "upstream {} answered {}", null, "tiny", 503);
                assertThat(layout.doLayout(event)).isEqualTo(pattern.doLayout(event));
            }
        }
    }

    @Test
    void anExceptionIsOneLineWithItsCausesAndNoFrames() {
        IOException thrown = new IOException("the upstream went away\n\tafter 3 tries", new ConnectException("Connection refused"));

        String line = started(false).doLayout(event("dev.mcpauth.upstream.UpstreamSession", Level.WARN, "reconnecting", thrown));

        assertThat(line).endsWith(" - reconnecting (java.io.IOException: the upstream went away after 3 tries"
                + " Caused by: java.net.ConnectException: Connection refused)" + System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\tat ");
    }

    @Test
    void withTracesOnTheWholeStackTraceFollows() {
        IOException thrown = new IOException("boom", new ConnectException("Connection refused"));

        String text = started(true).doLayout(event("dev.mcpauth.upstream.UpstreamSession", Level.WARN, "reconnecting", thrown));

        assertThat(text).contains(" - reconnecting" + System.lineSeparator() + "java.io.IOException: boom")
                .contains("\tat dev.mcpauth.cli.LogLineLayoutTest.withTracesOnTheWholeStackTraceFollows")
                .contains("Caused by: java.net.ConnectException: Connection refused");
    }

    private LogLineLayout started(boolean traces) {
        LogLineLayout layout = new LogLineLayout(() -> traces);
        layout.setContext(context);
        layout.start();
        return layout;
    }

    private LoggingEvent event(String logger, Level level, String message, Throwable thrown, Object... args) {
        return new LoggingEvent("test", context.getLogger(logger), level, message, thrown, args);
    }
}
