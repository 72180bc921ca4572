package dev.streamingblocks.core.avro.subject;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Resolves a configured subject name strategy. Accepts our class names, Confluent's class names
 * (so existing producer and consumer configs move over unchanged), short names, a {@code Class}
 * or an instance.
 *
 * <pre>{@code
 * SubjectNameStrategy s = SubjectNameStrategies.of("io.confluent.kafka.serializers.subject.RecordNameStrategy");
 * }</pre>
 */
public final class SubjectNameStrategies {

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private static final Map<String, Class<? extends SubjectNameStrategy>> BUILT_IN = Map.of(
            "TopicNameStrategy", TopicNameStrategy.class,
            "RecordNameStrategy", RecordNameStrategy.class,
            "TopicRecordNameStrategy", TopicRecordNameStrategy.class);

    private SubjectNameStrategies() {}

    /**
     * The strategy named by {@code value}: a {@link SubjectNameStrategy} instance, its {@code
     * Class}, or a class name (ours, Confluent's {@code io.confluent.kafka.serializers.subject.*},
     * a bare built-in name such as {@code RecordNameStrategy}, or a custom implementation's).
     *
     * @throws IllegalArgumentException naming the value when it names no usable strategy
     */
    public static SubjectNameStrategy of(Object value) {
        if (value instanceof SubjectNameStrategy strategy) {
            return strategy;
        }
        if (value instanceof Class<?> type) {
            return instantiate(type, type.getName());
        }
        if (!(value instanceof String)) {
            throw new IllegalArgumentException(
                    "A subject name strategy must be a class name, a Class or a SubjectNameStrategy, got "
                            + (value == null ? "null" : value.getClass().getName()));
        }
        String name = ((String) value).trim();
        Class<? extends SubjectNameStrategy> builtIn = builtIn(name);
        if (builtIn != null) {
            return instantiate(builtIn, name);
        }
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(name, true, loader != null ? loader : SubjectNameStrategies.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("Unknown subject name strategy '"
                    + name
                    + "': use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy (with"
                    + " our package "
                    + TopicNameStrategy.class.getPackageName()
                    + " or Confluent's "
                    + CONFLUENT_PACKAGE.substring(0, CONFLUENT_PACKAGE.length() - 1)
                    + "), or the class name of a SubjectNameStrategy implementation");
        }
        return instantiate(type, name);
    }

    private static Class<? extends SubjectNameStrategy> builtIn(String name) {
        String simple = name;
        if (name.startsWith(CONFLUENT_PACKAGE)) {
            simple = name.substring(CONFLUENT_PACKAGE.length());
        } else if (name.startsWith(TopicNameStrategy.class.getPackageName() + '.')) {
            simple = name.substring(TopicNameStrategy.class.getPackageName().length() + 1);
        } else if (name.contains(".")) {
            return null;
        }
        return BUILT_IN.get(simple);
    }

    private static SubjectNameStrategy instantiate(Class<?> type, String name) {
        if (!SubjectNameStrategy.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(
                    "Subject name strategy '" + name + "' does not implement " + SubjectNameStrategy.class.getName());
        }
        try {
            return (SubjectNameStrategy) type.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException
                | InstantiationException
                | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalArgumentException(
                    "Subject name strategy '"
                            + name
                            + "' could not be created: it needs a public no-argument constructor ("
                            + e
                            + ")",
                    e);
        }
    }
}
