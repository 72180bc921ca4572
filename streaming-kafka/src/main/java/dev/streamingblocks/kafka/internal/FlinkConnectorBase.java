package dev.streamingblocks.kafka.internal;

/**
 * Checks that {@code flink-connector-base} is on the classpath before a class that needs it goes on. It is
 * {@code provided} in the Kafka connector and here (a Flink cluster has it inside flink-dist), so a project
 * that forgets it met a bare {@code NoClassDefFoundError: org/apache/flink/connector/base/DeliveryGuarantee}
 * in its first test.
 */
public final class FlinkConnectorBase {

    static final String PROBE_CLASS = "org.apache.flink.connector.base.DeliveryGuarantee";

    private FlinkConnectorBase() {}

    /** Call first in the static initializer of {@code user}, before any field that touches the connector base. */
    public static void requireOnClasspath(Class<?> user) {
        requireOnClasspath(user, PROBE_CLASS);
    }

    static void requireOnClasspath(Class<?> user, String probeClass) {
        try {
            Class.forName(probeClass, false, user.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(
                    user.getSimpleName() + " needs org.apache.flink:flink-connector-base on"
                            + " the classpath, and " + probeClass
                            + " is not there. A Flink cluster has it (in flink-dist);"
                            + " for tests and local runs declare it in your build with scope provided, next to"
                            + " flink-streaming-java (streaming-blocks-bom manages its version). See the README, \"Add it to"
                            + " your build\".",
                    e);
        }
    }
}
