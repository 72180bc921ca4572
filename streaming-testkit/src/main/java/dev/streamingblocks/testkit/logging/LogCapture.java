package dev.streamingblocks.testkit.logging;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Captures what a logger (and the loggers below it) writes through Log4j 2, so a test can assert
 * exact warnings, or that no secret reaches the logs.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of(PostgresSessionWriter.class)) {
 *     ... run ...
 *     assertThat(log.text()).contains("WARN Rejected").doesNotContain(password);
 * }
 * }</pre>
 *
 * <p>Lines are {@code LEVEL message}; everything from DEBUG up is kept. Needs log4j-core on the
 * test classpath (it is {@code provided} here, so the testkit does not impose it).
 */
public final class LogCapture implements AutoCloseable {

    private final String loggerName;
    private final StringWriter out = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext context;

    private LogCapture(String loggerName) {
        this.loggerName = loggerName;
        this.context = (LoggerContext) LogManager.getContext(false);
        this.appender = WriterAppender.newBuilder()
                .setName("capture-" + loggerName)
                .setTarget(out)
                .setLayout(PatternLayout.newBuilder().withPattern("%p %m%n").build())
                .build();
        appender.start();
        Configuration config = context.getConfiguration();
        config.addAppender(appender);
        LoggerConfig logger = new LoggerConfig(loggerName, Level.DEBUG, false);
        logger.addAppender(appender, Level.DEBUG, null);
        config.addLogger(loggerName, logger);
        context.updateLoggers();
    }

    /** Captures the logger named after {@code loggerClass}. */
    public static LogCapture of(Class<?> loggerClass) {
        return new LogCapture(loggerClass.getName());
    }

    /** Captures a logger by name, e.g. a package such as {@code "dev.streamingblocks"}. */
    public static LogCapture of(String loggerName) {
        if (loggerName == null || loggerName.isBlank()) {
            throw new IllegalArgumentException("loggerName must not be blank");
        }
        return new LogCapture(loggerName);
    }

    /** What was logged so far, one {@code LEVEL message} line per event. */
    public String text() {
        synchronized (out) {
            return out.toString();
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.removeLogger(loggerName);
        context.updateLoggers();
        appender.stop();
    }
}
