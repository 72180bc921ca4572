package dev.streamingblocks.core.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {

    static final Schema V1 = SchemaBuilder.record("Order")
            .namespace("test")
            .fields()
            .requiredString("id")
            .endRecord();
    // Adds a field with a default: backward and forward compatible with V1.
    static final Schema V2 = SchemaBuilder.record("Order")
            .namespace("test")
            .fields()
            .requiredString("id")
            .name("amount")
            .type()
            .longType()
            .longDefault(0L)
            .endRecord();
    // Adds a required field: a V3 reader cannot read V1 data (not backward compatible).
    static final Schema V3_REQUIRED = SchemaBuilder.record("Order")
            .namespace("test")
            .fields()
            .requiredString("id")
            .requiredString("customer")
            .endRecord();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void registrationIsIdempotentAndIdsAreGlobal() {
        int id1 = registry.register("orders-value", V1);
        assertThat(registry.register("orders-value", V1)).isEqualTo(id1);
        assertThat(registry.getVersions("orders-value")).containsExactly(1);

        int id2 = registry.register("orders-value", V2);
        assertThat(id2).isEqualTo(id1 + 1);
        // The same schema under another subject keeps its global id.
        assertThat(registry.register("other-value", V1)).isEqualTo(id1);

        assertThat(registry.getSchemaById(id1)).isEqualTo(V1);
        assertThat(registry.getSchemaById(id2)).isEqualTo(V2);
        assertThat(registry.getVersions("orders-value")).containsExactly(1, 2);
        assertThat(registry.getSubjects()).containsExactly("orders-value", "other-value");
        assertThat(registry.getLatestVersion("orders-value"))
                .isEqualTo(new RegisteredSchema("orders-value", id2, 2, V2));
        assertThat(registry.getVersion("orders-value", 1)).isEqualTo(new RegisteredSchema("orders-value", id1, 1, V1));
        assertThat(registry.lookup("orders-value", V2)).isEqualTo(new RegisteredSchema("orders-value", id2, 2, V2));
        assertThat(registry.lookup("other-value", V1)).isEqualTo(new RegisteredSchema("other-value", id1, 1, V1));
    }

    @Test
    void notFoundErrorsNameWhatIsMissing() {
        registry.register("orders-value", V1);

        assertThatThrownBy(() -> registry.getSchemaById(42))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessage("Schema registry has no schema with id 42")
                .satisfies(e ->
                        assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> registry.lookup("missing-value", V1))
                .isInstanceOf(SubjectNotFoundException.class)
                .hasMessage("Schema registry has no subject 'missing-value'");
        assertThatThrownBy(() -> registry.lookup("orders-value", V2))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessage("Schema registry holds no such schema under subject 'orders-value'");
        assertThatThrownBy(() -> registry.getVersion("orders-value", 7))
                .isInstanceOf(VersionNotFoundException.class)
                .hasMessage("Schema registry has no version 7 of subject 'orders-value'");
        assertThatThrownBy(() -> registry.getLatestVersion("missing-value"))
                .isInstanceOf(SubjectNotFoundException.class)
                .hasMessage("Schema registry has no subject 'missing-value'");
        assertThatThrownBy(() -> registry.register("", V1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subject must be a non-empty string, got ''");
    }

    @Test
    void nullArgumentsFailAsTheHttpClientDoesNotWithABareNullPointer() {
        // The test double must reject what the HTTP client rejects, with the same message.
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        assertThatThrownBy(() -> registry.register("orders-value", null))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema must not be null");
        assertThatThrownBy(() -> registry.lookup("orders-value", null))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema must not be null");
        assertThatThrownBy(() -> registry.testCompatibility("orders-value", null))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema must not be null");
        assertThatThrownBy(() -> registry.setCompatibility("orders-value", null))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("level must not be null");
    }

    @Test
    void backwardIsTheDefaultAndRejectsANewRequiredField() {
        registry.register("orders-value", V1);
        assertThat(registry.getCompatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.getCompatibility("orders-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.testCompatibility("orders-value", V3_REQUIRED)).isFalse();
        assertThat(registry.testCompatibility("orders-value", V2)).isTrue();
        assertThat(registry.testCompatibility("new-subject", V3_REQUIRED)).isTrue();

        assertThatThrownBy(() -> registry.register("orders-value", V3_REQUIRED))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessage("Schema registry rejected the schema for subject 'orders-value' as"
                        + " incompatible under compatibility level BACKWARD: the new schema"
                        + " cannot read data written with version 1");
        assertThat(registry.getVersions("orders-value")).containsExactly(1);

        registry.setCompatibility("orders-value", CompatibilityLevel.NONE);
        assertThat(registry.getCompatibility("orders-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(registry.getCompatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
        registry.register("orders-value", V3_REQUIRED);
        assertThat(registry.getVersions("orders-value")).containsExactly(1, 2);
    }

    @Test
    void forwardRejectsRemovingAFieldWithoutDefaultAndTransitiveChecksEveryVersion() {
        Schema idOnly = V1;
        Schema withCustomer = V3_REQUIRED;
        registry.setCompatibility(null, CompatibilityLevel.FORWARD);
        registry.register("f-value", withCustomer);
        // An old reader of withCustomer needs 'customer', which idOnly data lacks.
        assertThatThrownBy(() -> registry.register("f-value", idOnly))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessage("Schema registry rejected the schema for subject 'f-value' as incompatible"
                        + " under compatibility level FORWARD: version 1 cannot read data"
                        + " written with the new schema");

        registry.setCompatibility("t-value", CompatibilityLevel.FULL_TRANSITIVE);
        registry.register("t-value", V1);
        registry.register("t-value", V2);
        assertThat(registry.testCompatibility("t-value", V3_REQUIRED)).isFalse();
        assertThatThrownBy(() -> registry.register("t-value", V3_REQUIRED))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessage("Schema registry rejected the schema for subject 't-value' as incompatible"
                        + " under compatibility level FULL_TRANSITIVE: the new schema cannot"
                        + " read data written with version 2");
    }

    @Test
    void transitiveLevelsCheckOlderVersionsThatTheLatestWouldLetThrough() {
        Schema v1 = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
        // Drops 'a', adds 'b' with a default: reads v1 data.
        Schema v2 = SchemaBuilder.record("R")
                .fields()
                .name("b")
                .type()
                .stringType()
                .stringDefault("")
                .endRecord();
        // 'b' without default: reads v2 data (which has 'b') but not v1 data.
        Schema v3 = SchemaBuilder.record("R").fields().requiredString("b").endRecord();
        registry.setCompatibility("plain", CompatibilityLevel.BACKWARD);
        registry.setCompatibility("transitive", CompatibilityLevel.BACKWARD_TRANSITIVE);
        for (String subject : List.of("plain", "transitive")) {
            registry.register(subject, v1);
            registry.register(subject, v2);
        }

        assertThat(registry.testCompatibility("plain", v3)).isTrue();
        assertThat(registry.testCompatibility("transitive", v3)).isFalse();
        assertThatThrownBy(() -> registry.register("transitive", v3))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessage("Schema registry rejected the schema for subject 'transitive' as"
                        + " incompatible under compatibility level BACKWARD_TRANSITIVE: the new"
                        + " schema cannot read data written with version 1");
        assertThat(registry.register("plain", v3))
                .isEqualTo(registry.lookup("plain", v3).id());
        assertThat(registry.getVersions("plain")).containsExactly(1, 2, 3);
    }

    @Test
    void softThenPermanentDelete() {
        int id = registry.register("orders-value", V1);
        registry.register("orders-value", V2);

        assertThatThrownBy(() -> registry.deleteSubject("orders-value", true))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage("Schema registry cannot permanently delete subject 'orders-value' before it"
                        + " is soft-deleted")
                .satisfies(e ->
                        assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40405));

        assertThat(registry.deleteSubject("orders-value", false)).containsExactly(1, 2);
        assertThat(registry.getSubjects()).isEmpty();
        assertThatThrownBy(() -> registry.getVersions("orders-value")).isInstanceOf(SubjectNotFoundException.class);
        // Ids stay resolvable: old records on a topic must still deserialize.
        assertThat(registry.getSchemaById(id)).isEqualTo(V1);
        assertThat(registry.deleteSubject("orders-value", true)).containsExactly(1, 2);
        assertThatThrownBy(() -> registry.deleteSubject("orders-value", false))
                .isInstanceOf(SubjectNotFoundException.class)
                .hasMessage("Schema registry has no subject 'orders-value'");
    }

    @Test
    void concurrentRegistrationsOfTheSameSchemaGetOneId() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String subject = "s-" + (i % 5);
                Schema schema = i % 2 == 0 ? V1 : V2;
                tasks.add(() -> registry.register(subject, schema));
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(2);
            for (int s = 0; s < 5; s++) {
                assertThat(registry.getVersions("s-" + s)).hasSize(2);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
