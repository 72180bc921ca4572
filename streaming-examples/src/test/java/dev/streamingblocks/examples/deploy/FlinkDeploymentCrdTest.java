package dev.streamingblocks.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Checks {@code deploy/k8s} against the schema the Flink Kubernetes Operator installs for
 * {@code FlinkDeployment} (its CRD, from {@code flink-kubernetes-operator-api}'s jar), as a JSON
 * schema, so a mistyped enum, a number where Kubernetes wants a string, or a misspelt field fails
 * here rather than at {@code kubectl apply}.
 *
 * <p>Two adjustments, both stricter or documented: unknown fields are refused (the CRD allows them
 * and Kubernetes silently prunes them, which hides typos; {@code kubectl apply --validate=strict}
 * refuses them too), and {@code flinkVersion} also accepts {@link #FLINK_2_VERSIONS}: the newest
 * operator API served here is 1.10, whose enum ends at {@code v1_20}, while the manifests target
 * Flink 2.2 on operator 1.13+.
 */
class FlinkDeploymentCrdTest {

    static final String CRD_RESOURCE = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1beta1.yml";

    /** What operator 1.13 accepts beyond 1.10's enum; the manifests use {@code v2_2}. */
    static final List<String> FLINK_2_VERSIONS = List.of("v2_0", "v2_1", "v2_2");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema schema;
    private static Path k8sDir;

    @BeforeAll
    static void loadCrdSchema() throws IOException {
        k8sDir = Path.of("").toAbsolutePath().getParent().resolve("deploy").resolve("k8s");
        JsonNode crd;
        try (InputStream in = FlinkDeploymentCrdTest.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
            assertThat(in)
                    .as(CRD_RESOURCE + " from flink-kubernetes-operator-api on the test class path")
                    .isNotNull();
            crd = yaml(new String(in.readAllBytes(), StandardCharsets.UTF_8)).get(0);
        }
        assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("FlinkDeployment");
        ObjectNode openApi = (ObjectNode) crd.at("/spec/validation/openAPIV3Schema");
        ArrayNode flinkVersions = (ArrayNode) openApi.at("/properties/spec/properties/flinkVersion/enum");
        // When a newer operator API is served, its enum has Flink 2 itself and this adjustment goes.
        assertThat(flinkVersions.get(flinkVersions.size() - 1).asText()).isEqualTo("v1_20");
        FLINK_2_VERSIONS.forEach(flinkVersions::add);
        // Kubernetes checks these itself; the CRD's schema covers only spec and status.
        ObjectNode topLevel = (ObjectNode) openApi.get("properties");
        topLevel.putObject("apiVersion").put("type", "string");
        topLevel.putObject("kind").put("type", "string");
        topLevel.putObject("metadata").put("type", "object");
        refuseUnknownFields(openApi);
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(openApi);
    }

    @Test
    void everyFlinkDeploymentInDeployK8sIsValidAgainstTheOperatorsSchema() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Path file : k8sFiles()) {
            for (JsonNode document : yaml(Files.readString(file, StandardCharsets.UTF_8))) {
                if (document.path("kind").asText().equals("FlinkDeployment")) {
                    assertThat(messages(document))
                            .as(file.getFileName().toString())
                            .isEmpty();
                    checked.add(document.at("/metadata/name").asText());
                }
            }
        }
        assertThat(checked).containsExactlyInAnyOrder("fraud", "order-stats", "sessions");
    }

    @Test
    void aBrokenManifestIsRejectedNamingTheFieldAndWhatIsWrong() throws IOException {
        ObjectNode fraud = (ObjectNode) yaml(Files.readString(k8sDir.resolve("fraud.yaml"), StandardCharsets.UTF_8))
                .get(0);
        ObjectNode spec = (ObjectNode) fraud.get("spec");
        // Three mistakes users make: an unquoted number in flinkConfiguration (Kubernetes wants strings),
        // an upgrade mode that does not exist, and a misspelt field that Kubernetes would silently drop.
        ((ObjectNode) spec.get("flinkConfiguration")).put("taskmanager.numberOfTaskSlots", 2);
        ((ObjectNode) spec.get("job")).put("upgradeMode", "savepoints");
        ((ObjectNode) spec.get("taskManager")).put("replica", 3);

        assertThat(messages(fraud))
                .containsExactlyInAnyOrder(
                        "/spec/flinkConfiguration/taskmanager.numberOfTaskSlots: integer found, string expected",
                        "/spec/job/upgradeMode: does not have a value in the enumeration [\"last-state\", \"savepoint\","
                                + " \"stateless\"]",
                        "/spec/taskManager: property 'replica' is not defined in the schema and the schema does not allow"
                                + " additional properties");
    }

    private static List<String> messages(JsonNode document) {
        return schema.validate(document).stream().map(Error::toString).toList();
    }

    /** Adds {@code additionalProperties: false} to each object schema that lists its properties. */
    private static void refuseUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties")
                    && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
                refuseUnknownFields(children.next());
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(FlinkDeploymentCrdTest::refuseUnknownFields);
        }
    }

    private static List<Path> k8sFiles() throws IOException {
        try (Stream<Path> files = Files.list(k8sDir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<JsonNode> yaml(String text) {
        List<JsonNode> documents = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
            if (document instanceof Map) {
                documents.add(JSON.valueToTree(document));
            }
        }
        return documents;
    }
}
