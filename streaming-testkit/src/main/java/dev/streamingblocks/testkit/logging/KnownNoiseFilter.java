package dev.streamingblocks.testkit.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.message.Message;

/**
 * A Log4j 2 filter that drops three known, harmless warnings of Flink jobs on Kafka, and nothing else:
 * <ul>
 *   <li>{@value #METRIC_GROUP_LOGGER} {@code "Name collision: ..."}: Kafka clients register equally
 *       named metrics for every consumer and producer, and Flink warns once per metric (about 185
 *       lines in a small MiniCluster test). Other warnings of that logger stay.</li>
 *   <li>{@value #KAFKA_SOURCE_READER_LOGGER} {@code "Failed to commit consumer offsets ..."} when the
 *       cause is a Kafka {@code RetriableException} (e.g. {@code RetriableCommitFailedException} caused by
 *       {@code CoordinatorNotAvailableException} on a broker that is still starting). Offsets live in
 *       Flink's checkpoints; the commit only feeds lag monitoring, and the next checkpoint commits
 *       again (the reader's {@code commitsFailed} metric still counts it). A commit failure that is
 *       not retriable (authorization, an unknown group) is still logged.</li>
 *   <li>{@value #METRIC_UTILS_LOGGER} {@code "The operator name ... exceeded the 80 characters length limit and
 *       was truncated."}: chained operator names (a source with its dead-letter sink) are long; only the metric
 *       scope is shortened.</li>
 * </ul>
 *
 * <p>Use it as a context-wide filter, directly under {@code <Configuration>}, so it applies before
 * any logger or appender: {@code <StreamingBlocksKnownNoise/>}. The testkit's
 * {@code streaming-blocks-log4j2-test.xml} does.
 */
@Plugin(
        name = KnownNoiseFilter.PLUGIN_NAME,
        category = Node.CATEGORY,
        elementType = Filter.ELEMENT_TYPE,
        printObject = true)
public final class KnownNoiseFilter extends AbstractFilter {

    /** The element name in a Log4j configuration. */
    public static final String PLUGIN_NAME = "StreamingBlocksKnownNoise";

    /** Flink's logger for metric registration problems ({@code AbstractMetricGroup} logs to it). */
    public static final String METRIC_GROUP_LOGGER = "org.apache.flink.metrics.MetricGroup";

    /** The Kafka connector's source reader, which logs failed offset commits. */
    public static final String KAFKA_SOURCE_READER_LOGGER =
            "org.apache.flink.connector.kafka.source.reader.KafkaSourceReader";

    /** Flink's logger that shortens long operator names for metric scopes. */
    public static final String METRIC_UTILS_LOGGER = "org.apache.flink.runtime.metrics.util.MetricUtils";

    static final String NAME_COLLISION_PREFIX = "Name collision:";
    static final String TRUNCATED_NAME_SUFFIX = "characters length limit and was truncated.";
    static final String RETRIABLE_EXCEPTION = "org.apache.kafka.common.errors.RetriableException";

    private KnownNoiseFilter() {
        super(Result.DENY, Result.NEUTRAL);
    }

    @PluginFactory
    public static KnownNoiseFilter createFilter() {
        return new KnownNoiseFilter();
    }

    /** Whether an event is one of the known warnings. */
    static boolean isKnownNoise(String loggerName, Level level, String message, Throwable thrown) {
        if (level != Level.WARN || loggerName == null || message == null) {
            return false;
        }
        if (loggerName.equals(METRIC_GROUP_LOGGER)) {
            return message.startsWith(NAME_COLLISION_PREFIX);
        }
        if (loggerName.equals(METRIC_UTILS_LOGGER)) {
            return message.endsWith(TRUNCATED_NAME_SUFFIX);
        }
        return loggerName.equals(KAFKA_SOURCE_READER_LOGGER) && causedByRetriable(thrown);
    }

    private static boolean causedByRetriable(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getName().equals(RETRIABLE_EXCEPTION)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Throwable lastThrowable(Object... params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t ? t : null;
    }

    private Result result(boolean noise) {
        return noise ? onMatch : onMismatch;
    }

    @Override
    public Result filter(LogEvent event) {
        return result(isKnownNoise(
                event.getLoggerName(),
                event.getLevel(),
                event.getMessage() == null ? null : event.getMessage().getFormat(),
                event.getThrown()));
    }

    // As a context-wide filter, Log4j asks before it builds the event, with the raw call's arguments.

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
        return result(isKnownNoise(logger.getName(), level, msg, lastThrowable(params)));
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
        return result(isKnownNoise(logger.getName(), level, msg == null ? null : msg.toString(), t));
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
        return result(isKnownNoise(logger.getName(), level, msg == null ? null : msg.getFormat(), t));
    }
}
