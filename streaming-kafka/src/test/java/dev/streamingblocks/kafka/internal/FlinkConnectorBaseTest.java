package dev.streamingblocks.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A project that forgets flink-connector-base: the library's entry points are loaded in a class loader that
 * has everything on this test's classpath except that jar's package, as in a user's test without it.
 */
class FlinkConnectorBaseTest {

    private static final String EXPECTED_TAIL = " needs org.apache.flink:flink-connector-base on the classpath, and"
            + " org.apache.flink.connector.base.DeliveryGuarantee is not there. A Flink cluster has it (in flink-dist);"
            + " for tests and local runs declare it in your build with scope provided, next to flink-streaming-java"
            + " (streaming-blocks-bom manages its version). See the README, \"Add it to your build\".";

    /** Child-first over the test classpath, without org.apache.flink.connector.base. */
    private static final class WithoutConnectorBase extends URLClassLoader {

        WithoutConnectorBase() {
            super(classpath(), ClassLoader.getPlatformClassLoader());
        }

        private static URL[] classpath() {
            String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            return Arrays.stream(path.split(File.pathSeparator))
                    .map(entry -> {
                        try {
                            return new File(entry).toURI().toURL();
                        } catch (MalformedURLException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toArray(URL[]::new);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.apache.flink.connector.base.")) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void theSourceAndTheSinkSayWhatIsMissingAndHowToAddIt() throws Exception {
        try (WithoutConnectorBase loader = new WithoutConnectorBase()) {
            for (String entryPoint : new String[] {
                "dev.streamingblocks.kafka.source.TypedKafkaSource",
                "dev.streamingblocks.kafka.sink.TypedKafkaSinkBuilder"
            }) {
                String simpleName = entryPoint.substring(entryPoint.lastIndexOf('.') + 1);
                assertThatThrownBy(() -> Class.forName(entryPoint, true, loader))
                        .isInstanceOf(ExceptionInInitializerError.class)
                        .cause()
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage(simpleName + EXPECTED_TAIL);
            }
        }
    }

    @Test
    void withTheConnectorBaseNothingHappens() throws Exception {
        FlinkConnectorBase.requireOnClasspath(FlinkConnectorBaseTest.class);
        assertThat(Class.forName("dev.streamingblocks.kafka.source.TypedKafkaSource")
                        .getSimpleName())
                .isEqualTo("TypedKafkaSource");
    }
}
