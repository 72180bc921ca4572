package dev.streamingblocks.testkit.registry;

import static dev.streamingblocks.testkit.registry.RegistryHttp.schemaBody;
import static dev.streamingblocks.testkit.registry.RegistryHttp.tree;
import static dev.streamingblocks.testkit.registry.TestSchemas.AMOUNT;
import static dev.streamingblocks.testkit.registry.TestSchemas.AMOUNT_DEFAULT;
import static dev.streamingblocks.testkit.registry.TestSchemas.CURRENCY;
import static dev.streamingblocks.testkit.registry.TestSchemas.ID;
import static dev.streamingblocks.testkit.registry.TestSchemas.NOTE;
import static dev.streamingblocks.testkit.registry.TestSchemas.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.testkit.registry.RegistryHttp.Reply;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each compatibility level with a concrete pair of schemas it accepts and one it rejects. */
class CompatibilityLevelsITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    /** {id}. */
    private static final String BASE = order(ID);
    /** {id, amount=0}: an added field with a default; BACKWARD and FORWARD from BASE. */
    private static final String ADDED_WITH_DEFAULT = order(ID + "," + AMOUNT_DEFAULT);
    /** {id, currency}: an added field without default; FORWARD but not BACKWARD from BASE. */
    private static final String ADDED_WITHOUT_DEFAULT = order(ID + "," + CURRENCY);
    /** {id, note}: removing note (no default) is BACKWARD but not FORWARD. */
    private static final String WITH_NOTE = order(ID + "," + NOTE);
    /** {id, amount}: amount without a default. */
    private static final String AMOUNT_REQUIRED = order(ID + "," + AMOUNT);

    /** {id, amount=0, currency="EUR"}: readable from every version above that has defaults. */
    private static final String TWO_DEFAULTS =
            order(ID + "," + AMOUNT_DEFAULT + ",{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"}");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(CompatibilityLevel.NONE, List.of(BASE), ADDED_WITHOUT_DEFAULT, true),
                Arguments.of(CompatibilityLevel.NONE, List.of(WITH_NOTE), BASE, true),
                Arguments.of(CompatibilityLevel.NONE, List.of(BASE), TestSchemas.PAYMENT, true),
                Arguments.of(CompatibilityLevel.BACKWARD, List.of(BASE), ADDED_WITH_DEFAULT, true),
                Arguments.of(CompatibilityLevel.BACKWARD, List.of(WITH_NOTE), BASE, true),
                Arguments.of(CompatibilityLevel.BACKWARD, List.of(BASE), ADDED_WITHOUT_DEFAULT, false),
                Arguments.of(CompatibilityLevel.FORWARD, List.of(BASE), ADDED_WITHOUT_DEFAULT, true),
                Arguments.of(CompatibilityLevel.FORWARD, List.of(BASE), ADDED_WITH_DEFAULT, true),
                Arguments.of(CompatibilityLevel.FORWARD, List.of(WITH_NOTE), BASE, false),
                Arguments.of(CompatibilityLevel.FULL, List.of(BASE), ADDED_WITH_DEFAULT, true),
                Arguments.of(CompatibilityLevel.FULL, List.of(BASE), ADDED_WITHOUT_DEFAULT, false),
                Arguments.of(CompatibilityLevel.FULL, List.of(WITH_NOTE), BASE, false),

                // Transitive levels judge every live version, not only the latest:
                // {id} -> {id, amount=0} -> {id, amount} reads v2's data but not v1's.
                Arguments.of(CompatibilityLevel.BACKWARD, List.of(BASE, ADDED_WITH_DEFAULT), AMOUNT_REQUIRED, true),
                Arguments.of(
                        CompatibilityLevel.BACKWARD_TRANSITIVE,
                        List.of(BASE, ADDED_WITH_DEFAULT),
                        AMOUNT_REQUIRED,
                        false),
                Arguments.of(
                        CompatibilityLevel.BACKWARD_TRANSITIVE, List.of(BASE, ADDED_WITH_DEFAULT), TWO_DEFAULTS, true),
                // {id, amount} -> {id, amount=0} -> {id}: v2 reads {id}'s data, v1 cannot.
                Arguments.of(CompatibilityLevel.FORWARD, List.of(AMOUNT_REQUIRED, ADDED_WITH_DEFAULT), BASE, true),
                Arguments.of(
                        CompatibilityLevel.FORWARD_TRANSITIVE,
                        List.of(AMOUNT_REQUIRED, ADDED_WITH_DEFAULT),
                        BASE,
                        false),
                Arguments.of(
                        CompatibilityLevel.FORWARD_TRANSITIVE,
                        List.of(BASE, ADDED_WITH_DEFAULT),
                        ADDED_WITHOUT_DEFAULT,
                        true),
                Arguments.of(CompatibilityLevel.FULL, List.of(AMOUNT_REQUIRED, ADDED_WITH_DEFAULT), BASE, true),
                Arguments.of(
                        CompatibilityLevel.FULL_TRANSITIVE, List.of(AMOUNT_REQUIRED, ADDED_WITH_DEFAULT), BASE, false),
                Arguments.of(
                        CompatibilityLevel.FULL_TRANSITIVE,
                        List.of(BASE, ADDED_WITH_DEFAULT),
                        BASE.replace("Order\",", "Order\",\"doc\":\"same\","),
                        true));
    }

    @ParameterizedTest(name = "{0}: {1} then {2} -> accepted={3}")
    @MethodSource("cases")
    void judgesTheCandidateAgainstTheVersionsTheLevelNames(
            CompatibilityLevel level, List<String> history, String candidate, boolean accepted) {
        RegistryHttp http = new RegistryHttp(REGISTRY.url());
        String subject = "level-" + level.name().toLowerCase() + "-" + SUBJECTS.incrementAndGet();
        Reply config = http.put("/config/" + subject, "{\"compatibility\":\"" + level.name() + "\"}");
        assertThat(config.body()).isEqualTo(tree("{\"compatibility\":\"" + level.name() + "\"}"));
        for (String schema : history) {
            assertThat(http.register(subject, schema).status())
                    .as("history %s", schema)
                    .isEqualTo(200);
        }

        // The check endpoint without a version judges against the same versions registration does.
        Reply check = http.post("/compatibility/subjects/" + subject + "/versions", schemaBody(candidate));
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.body()).isEqualTo(tree("{\"is_compatible\":" + accepted + "}"));

        Reply registration = http.register(subject, candidate);
        if (accepted) {
            assertThat(registration.status()).isEqualTo(200);
            assertThat(http.get("/subjects/" + subject + "/versions/latest")
                            .body()
                            .get("version")
                            .asInt())
                    .isEqualTo(history.size() + 1);
        } else {
            assertThat(registration.status()).isEqualTo(409);
            assertThat(registration.body().get("error_code").asInt()).isEqualTo(409);
            assertThat(registration.body().get("message").asText())
                    .startsWith("Schema being registered is incompatible with an earlier schema for subject \""
                            + subject + "\", details: [{errorType:'")
                    .endsWith("{compatibility: '" + level.name() + "'}]");
            assertThat(http.get("/subjects/" + subject + "/versions").body().size())
                    .isEqualTo(history.size());
        }
    }

    @Test
    void softDeletedVersionsDoNotCountForTransitiveLevels() {
        RegistryHttp http = new RegistryHttp(REGISTRY.url());
        String subject = "level-deleted-" + SUBJECTS.incrementAndGet();
        http.put("/config/" + subject, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
        http.register(subject, BASE);
        http.register(subject, ADDED_WITH_DEFAULT);
        assertThat(http.register(subject, AMOUNT_REQUIRED).status()).isEqualTo(409);

        assertThat(http.delete("/subjects/" + subject + "/versions/1").body()).isEqualTo(tree("1"));

        Reply accepted = http.register(subject, AMOUNT_REQUIRED);
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(http.get("/subjects/" + subject + "/versions").body()).isEqualTo(tree("[2,3]"));
    }
}
