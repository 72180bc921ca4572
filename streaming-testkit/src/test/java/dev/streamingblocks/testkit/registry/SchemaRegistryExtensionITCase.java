package dev.streamingblocks.testkit.registry;

import static dev.streamingblocks.testkit.registry.RegistryHttp.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension runs one registry per test class and stops it afterwards. */
class SchemaRegistryExtensionITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY =
            new SchemaRegistryExtension(EmbeddedSchemaRegistry.builder().setBasicAuth("ext", "ext-pw"));

    private static final AtomicReference<String> OUTER_URL = new AtomicReference<>();

    @BeforeAll
    static void rememberTheOuterUrl() {
        OUTER_URL.set(REGISTRY.url());
    }

    @Test
    void servesTheConfiguredRegistryWhileTheClassRuns() {
        assertThat(REGISTRY.url()).isEqualTo(REGISTRY.registry().url()).startsWith("http://127.0.0.1:");
        RegistryHttp http = new RegistryHttp(REGISTRY.url());
        assertThat(http.get("/").status()).isEqualTo(401);
        assertThat(http.withBasicAuth("ext", "ext-pw").get("/").body()).isEqualTo(tree("{}"));
    }

    @Test
    void stopsTheRegistryAfterAllTestsAndRefusesAccessOutsideThem() {
        SchemaRegistryExtension extension = new SchemaRegistryExtension();
        String outside = "The schema registry runs only while the test class runs; register"
                + " SchemaRegistryExtension on a static field with @RegisterExtension";
        assertThatThrownBy(extension::url)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(outside);

        extension.beforeAll(null);
        String url = extension.url();
        assertThat(new RegistryHttp(url).get("/subjects").body()).isEqualTo(tree("[]"));
        extension.afterAll(null);

        assertThatThrownBy(() -> new RegistryHttp(url).get("/")).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(extension::registry)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(outside);
    }

    @Test
    void rejectsANullBuilder() {
        assertThatThrownBy(() -> new SchemaRegistryExtension(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("builder must not be null");
    }

    @Nested
    class NestedTests {
        @Test
        void seeTheOuterClassesRegistry() {
            assertThat(REGISTRY.url()).isEqualTo(OUTER_URL.get());
            assertThat(new RegistryHttp(REGISTRY.url())
                            .withBasicAuth("ext", "ext-pw")
                            .get("/mode")
                            .status())
                    .isEqualTo(200);
        }
    }
}
