package dev.streamingblocks.testkit.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.testkit.registry.internal.AvroCompatibilityChecker.Earlier;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The messages a rejected schema gets, in Confluent's wording, for each kind of problem. */
class AvroCompatibilityCheckerTest {

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    private static Schema record(String name, String fields) {
        return parse("{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[" + fields + "]}");
    }

    private static List<String> check(CompatibilityLevel level, Schema candidate, Schema... history) {
        List<Earlier> earlier = new ArrayList<>();
        for (int i = history.length - 1; i >= 0; i--) {
            earlier.add(new Earlier(i + 1, history[i]));
        }
        return AvroCompatibilityChecker.incompatibilities(level, candidate, earlier);
    }

    @Test
    void forwardProblemsNameTheOldSchemaAsTheReader() {
        Schema old = record("R", "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}");
        Schema candidate = record("R", "{\"name\":\"a\",\"type\":\"int\"}");

        assertThat(check(CompatibilityLevel.FORWARD, candidate, old))
                .containsExactly(
                        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path"
                                + " '/fields/1' in the old schema has no default value and is missing in the new"
                                + " schema', additionalInfo:'b'}",
                        "{oldSchemaVersion: 1}",
                        "{oldSchema: '" + old + "'}",
                        "{compatibility: 'FORWARD'}");
        assertThat(check(CompatibilityLevel.BACKWARD, candidate, old)).isEmpty();
        assertThat(check(CompatibilityLevel.NONE, record("Other", "{\"name\":\"x\",\"type\":\"string\"}"), old))
                .isEmpty();
    }

    @Test
    void typeMismatch() {
        Schema old = record("R", "{\"name\":\"a\",\"type\":\"string\"}");
        Schema candidate = record("R", "{\"name\":\"a\",\"type\":\"int\"}");

        assertThat(check(CompatibilityLevel.BACKWARD, candidate, old).get(0))
                .isEqualTo("{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field"
                        + " in the new schema does not match with the old schema', additionalInfo:'reader type:"
                        + " INT not compatible with writer type: STRING'}");
    }

    @Test
    void missingEnumSymbolsAndUnionBranches() {
        Schema oldEnum = parse("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}");
        Schema newEnum = parse("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}");
        assertThat(check(CompatibilityLevel.BACKWARD, newEnum, oldEnum).get(0))
                .isEqualTo("{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum"
                        + " symbols '[B]' at path '/symbols' in the old schema', additionalInfo:'[B]'}");

        Schema oldUnion = parse("[\"null\",\"string\",\"int\"]");
        Schema newUnion = parse("[\"null\",\"string\"]");
        assertThat(check(CompatibilityLevel.BACKWARD, newUnion, oldUnion).get(0))
                .isEqualTo("{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type"
                        + " inside a union field at path '/2' in the old schema', additionalInfo:'reader union"
                        + " lacking writer type: INT'}");
    }

    @Test
    void nameAndFixedSizeMismatches() {
        Schema oldFixed = parse("{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}");
        assertThat(check(CompatibilityLevel.BACKWARD, parse("{\"type\":\"fixed\",\"name\":\"F\",\"size\":8}"), oldFixed)
                        .get(0))
                .isEqualTo("{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path"
                        + " '/size' in the new schema does not match with the old schema', additionalInfo:'expected:"
                        + " 4, found: 8'}");
        assertThat(check(CompatibilityLevel.BACKWARD, parse("{\"type\":\"fixed\",\"name\":\"G\",\"size\":4}"), oldFixed)
                        .get(0))
                .isEqualTo("{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path"
                        + " '/name')', additionalInfo:'expected: F'}");
    }

    @Test
    void transitiveLevelsReportTheFirstFailingVersionNewestFirst() {
        Schema v1 = record("R", "{\"name\":\"a\",\"type\":\"int\"}");
        Schema v2 = record("R", "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
        Schema candidate = record("R", "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}");

        assertThat(check(CompatibilityLevel.BACKWARD_TRANSITIVE, candidate, v1, v2))
                .contains("{oldSchemaVersion: 1}", "{compatibility: 'BACKWARD_TRANSITIVE'}")
                .hasSize(4);
    }
}
