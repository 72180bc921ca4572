package dev.streamingblocks.sessions.postgres;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.StringWriter;

/** Captures what one logger writes, so a test can assert that no secret reaches the logs. */
final class LogCapture implements AutoCloseable {

    private final String loggerName;
    private final StringWriter out = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext context;

    LogCapture(Class<?> loggerClass) {
        this.loggerName = loggerClass.getName();
        this.context = (LoggerContext) LogManager.getContext(false);
        this.appender =
                WriterAppender.newBuilder()
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

    String text() {
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
