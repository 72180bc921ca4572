package dev.streamingblocks.registry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.registry.protocol.AvroCompatibility.Version;
import dev.streamingblocks.registry.protocol.AvroCompatibility.Violation;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.junit.jupiter.api.Test;

/** Which versions each level judges a new schema against, and in which direction. */
class AvroCompatibilityTest {

    private static final Schema A = record("{\"name\":\"a\",\"type\":\"int\"}");
    private static final Schema A_B_DEFAULT =
            record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    private static final Schema A_B = record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}");

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
    }

    /** v2 = A_B_DEFAULT, v1 = A: A_B reads v2's data (b present) but not v1's (b missing, no default). */
    private static final List<Version> HISTORY = List.of(new Version(2, A_B_DEFAULT), new Version(1, A));

    @Test
    void aLevelThatIsNotTransitiveLooksAtTheLatestVersionOnly() {
        assertThat(AvroCompatibility.firstViolation(CompatibilityLevel.BACKWARD, A_B, HISTORY))
                .isEmpty();
    }

    @Test
    void aTransitiveLevelReportsTheFirstFailingVersionNewestFirst() {
        Optional<Violation> violation =
                AvroCompatibility.firstViolation(CompatibilityLevel.BACKWARD_TRANSITIVE, A_B, HISTORY);

        assertThat(violation).isPresent();
        assertThat(violation.get().version()).isEqualTo(new Version(1, A));
        assertThat(violation.get().newCannotReadOld()).singleElement().satisfies(problem -> {
            assertThat(problem.getType()).isEqualTo(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
            assertThat(problem.getMessage()).isEqualTo("b");
        });
        assertThat(violation.get().oldCannotReadNew()).isEmpty();
    }

    @Test
    void forwardChecksTheOldSchemaAsTheReader() {
        // Dropping b (no default in the old schema) keeps BACKWARD but breaks FORWARD.
        List<Version> history = List.of(new Version(1, A_B));

        assertThat(AvroCompatibility.firstViolation(CompatibilityLevel.BACKWARD, A, history))
                .isEmpty();
        Violation forward = AvroCompatibility.firstViolation(CompatibilityLevel.FORWARD, A, history)
                .orElseThrow();
        assertThat(forward.newCannotReadOld()).isEmpty();
        assertThat(forward.oldCannotReadNew())
                .extracting(problem -> problem.getType())
                .containsExactly(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
        assertThat(AvroCompatibility.firstViolation(CompatibilityLevel.FULL, A, history)
                        .orElseThrow()
                        .oldCannotReadNew())
                .hasSize(1);
    }

    @Test
    void noneAndAnEmptySubjectAcceptAnything() {
        Schema other = new Schema.Parser().parse("\"string\"");

        assertThat(AvroCompatibility.firstViolation(CompatibilityLevel.NONE, other, HISTORY))
                .isEmpty();
        assertThat(AvroCompatibility.firstViolation(CompatibilityLevel.FULL_TRANSITIVE, other, List.of()))
                .isEmpty();
    }

    @Test
    void levelsNameTheirDirectionsAndReach() {
        assertThat(CompatibilityLevel.values())
                .filteredOn(CompatibilityLevel::checksBackward)
                .containsExactly(
                        CompatibilityLevel.BACKWARD,
                        CompatibilityLevel.BACKWARD_TRANSITIVE,
                        CompatibilityLevel.FULL,
                        CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(CompatibilityLevel.values())
                .filteredOn(CompatibilityLevel::checksForward)
                .containsExactly(
                        CompatibilityLevel.FORWARD,
                        CompatibilityLevel.FORWARD_TRANSITIVE,
                        CompatibilityLevel.FULL,
                        CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(CompatibilityLevel.values())
                .filteredOn(CompatibilityLevel::isTransitive)
                .containsExactly(
                        CompatibilityLevel.BACKWARD_TRANSITIVE,
                        CompatibilityLevel.FORWARD_TRANSITIVE,
                        CompatibilityLevel.FULL_TRANSITIVE);
    }
}
