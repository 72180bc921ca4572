package dev.streamingblocks.testkit.registry;

import static dev.streamingblocks.testkit.registry.RegistryHttp.V1_JSON;
import static dev.streamingblocks.testkit.registry.RegistryHttp.error;
import static dev.streamingblocks.testkit.registry.RegistryHttp.schemaBody;
import static dev.streamingblocks.testkit.registry.RegistryHttp.tree;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_V1;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_V1_PRETTY;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_V2;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_WITH_CURRENCY;
import static dev.streamingblocks.testkit.registry.TestSchemas.PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamingblocks.testkit.registry.RegistryHttp.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST API over real HTTP: exact status codes, Confluent error codes and bodies. */
class EmbeddedSchemaRegistryITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    /** Confluent's wording for ORDER_WITH_CURRENCY judged BACKWARD against ORDER_V1. */
    private static final String MISSING_CURRENCY =
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'currency' at path"
                    + " '/fields/1' in the new schema has no default value and is missing in the old schema',"
                    + " additionalInfo:'currency'}";

    private RegistryHttp http;
    private String subject;

    @BeforeEach
    void setUp(TestInfo test) {
        http = new RegistryHttp(REGISTRY.url());
        subject = test.getTestMethod().orElseThrow().getName() + "-" + SUBJECTS.incrementAndGet();
    }

    private int registered(String subjectName, String schema) {
        Reply reply = http.register(subjectName, schema);
        assertThat(reply.status())
                .as("register %s: %s", subjectName, reply.body())
                .isEqualTo(200);
        return reply.body().get("id").asInt();
    }

    private static JsonNode version(String subject, int version, int id, String schema) {
        ObjectNode node = RegistryHttp.MAPPER.createObjectNode();
        node.put("subject", subject).put("version", version).put("id", id).put("schema", schema);
        return node;
    }

    // ------------------------------------------------------------------ basics

    @Test
    void rootAndModeAnswerLikeConfluent() {
        Reply root = http.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.body()).isEqualTo(tree("{}"));
        assertThat(root.contentType()).isEqualTo(V1_JSON);

        Reply mode = http.get("/mode");
        assertThat(mode.status()).isEqualTo(200);
        assertThat(mode.body()).isEqualTo(tree("{\"mode\":\"READWRITE\"}"));

        Reply types = http.get("/schemas/types");
        assertThat(types.status()).isEqualTo(200);
        assertThat(types.body()).isEqualTo(tree("[\"AVRO\"]"));
    }

    @Test
    void unknownPathsAndMethodsGetJsonErrors() {
        Reply unknown = http.get("/no/such/path");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo(error(404, "HTTP 404 Not Found"));
        assertThat(unknown.contentType()).isEqualTo(V1_JSON);

        Reply nonNumericId = http.get("/schemas/ids/abc");
        assertThat(nonNumericId.status()).isEqualTo(404);
        assertThat(nonNumericId.body()).isEqualTo(error(404, "HTTP 404 Not Found"));

        Reply wrongMethod = http.put("/subjects", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body()).isEqualTo(error(405, "HTTP 405 Method Not Allowed"));
    }

    @Test
    void acceptsBothJsonContentTypesAndRejectsOthers() {
        Reply plainJson =
                http.send("POST", "/subjects/" + subject + "/versions", schemaBody(ORDER_V1), "application/json");
        assertThat(plainJson.status()).isEqualTo(200);

        Reply withCharset = http.send(
                "POST", "/subjects/" + subject + "/versions", schemaBody(ORDER_V1), V1_JSON + "; charset=UTF-8");
        assertThat(withCharset.status()).isEqualTo(200);
        assertThat(withCharset.body()).isEqualTo(plainJson.body());

        Reply text = http.send("POST", "/subjects/" + subject + "/versions", schemaBody(ORDER_V1), "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.body()).isEqualTo(error(415, "HTTP 415 Unsupported Media Type"));
    }

    // ------------------------------------------------------------------ registration

    @Test
    void registrationIsIdempotentAndIdsAreGlobal() {
        // A schema no other test registers, so its id's subject list is exactly ours.
        String schema = TestSchemas.order(TestSchemas.ID + ",{\"name\":\"idempotent\",\"type\":\"int\",\"default\":0}");
        String pretty = schema.replace(",", ",\n  ").replace(":", " : ");
        Reply first = http.register(subject, schema);
        assertThat(first.status()).isEqualTo(200);
        int id = first.body().get("id").asInt();
        assertThat(first.body()).isEqualTo(tree("{\"id\":" + id + "}"));

        // Whitespace does not make a new schema: same id, no new version.
        assertThat(http.register(subject, pretty).body()).isEqualTo(tree("{\"id\":" + id + "}"));
        assertThat(http.get("/subjects/" + subject + "/versions").body()).isEqualTo(tree("[1]"));

        // The same schema under another subject reuses the global id, as in Confluent.
        assertThat(http.register(subject + "-other", pretty).body()).isEqualTo(tree("{\"id\":" + id + "}"));
        Reply versions = http.get("/schemas/ids/" + id + "/versions");
        assertThat(versions.status()).isEqualTo(200);
        assertThat(versions.body())
                .isEqualTo(tree("[{\"subject\":\"" + subject + "\",\"version\":1}," + "{\"subject\":\"" + subject
                        + "-other\",\"version\":1}]"));

        // A different schema gets a new id.
        int paymentId = registered(subject + "-payment", PAYMENT);
        assertThat(paymentId).isNotEqualTo(id);
        assertThat(http.get("/schemas/ids/" + id).body())
                .isEqualTo(RegistryHttp.MAPPER.createObjectNode().put("schema", schema));
    }

    @Test
    void ignoresUnknownFieldsAndAcceptsExplicitAvroType() {
        String body = RegistryHttp.json(Map.of(
                "schema",
                ORDER_V1,
                "schemaType",
                "AVRO",
                "references",
                List.of(),
                "metadata",
                Map.of("properties", Map.of("owner", "team-a")),
                "ruleSet",
                Map.of("domainRules", List.of()),
                "somethingNew",
                42));
        Reply reply = http.post("/subjects/" + subject + "/versions?normalize=false&unknownParam=x", body);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("id").asInt()).isPositive();
    }

    @Test
    void rejectsSchemaTypesOtherThanAvro() {
        String body = RegistryHttp.json(Map.of("schema", "syntax = \"proto3\";", "schemaType", "PROTOBUF"));
        Reply reply = http.post("/subjects/" + subject + "/versions", body);
        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.body())
                .isEqualTo(error(42201, "Invalid schema type 'PROTOBUF': this registry holds only AVRO schemas"));
    }

    @Test
    void rejectsUnparseableSchemas() {
        Reply undefinedField = http.register(
                subject, "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"nosuchtype\"}]}");
        assertThat(undefinedField.status()).isEqualTo(422);
        assertThat(undefinedField.body()).isEqualTo(error(42201, "Invalid schema: Undefined schema: nosuchtype"));

        Reply undefinedType = http.register(subject, "{\"type\":\"nosuchtype\"}");
        assertThat(undefinedType.status()).isEqualTo(422);
        assertThat(undefinedType.body())
                .isEqualTo(error(42201, "Invalid schema: the schema refers to a type that is not defined"));

        Reply badDefault = http.register(
                subject,
                "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}]}");
        assertThat(badDefault.status()).isEqualTo(422);
        assertThat(badDefault.body())
                .isEqualTo(error(42201, "Invalid schema: Invalid default for field a: \"x\" not a \"int\""));

        Reply noSchema = http.post("/subjects/" + subject + "/versions", "{}");
        assertThat(noSchema.status()).isEqualTo(422);
        assertThat(noSchema.body())
                .isEqualTo(error(42201, "Invalid schema: the request has no \"schema\" field or it is empty"));

        Reply notJson = http.post("/subjects/" + subject + "/versions", "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().get("error_code").asInt()).isEqualTo(400);
        assertThat(notJson.body().get("message").asText()).startsWith("The request body is not valid JSON: ");

        // Nothing was registered by the failed attempts.
        assertThat(http.get("/subjects/" + subject + "/versions").status()).isEqualTo(404);
    }

    @Test
    void rejectsAnIncompatibleSchemaWith409() {
        registered(subject, ORDER_V1);

        Reply reply = http.register(subject, ORDER_WITH_CURRENCY);

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.body())
                .isEqualTo(error(
                        409,
                        "Schema being registered is incompatible with an earlier schema for subject \""
                                + subject + "\", details: ["
                                + MISSING_CURRENCY + ", {oldSchemaVersion: 1}, {oldSchema: '"
                                + ORDER_V1 + "'}, {compatibility: 'BACKWARD'}]"));
        assertThat(http.get("/subjects/" + subject + "/versions").body()).isEqualTo(tree("[1]"));
    }

    // ------------------------------------------------------------------ lookups

    @Test
    void looksUpASchemaUnderASubject() {
        int id = registered(subject, ORDER_V1);
        registered(subject, ORDER_V2);

        Reply found = http.post("/subjects/" + subject, schemaBody(ORDER_V1_PRETTY));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body()).isEqualTo(version(subject, 1, id, ORDER_V1));

        Reply missingSchema = http.post("/subjects/" + subject, schemaBody(PAYMENT));
        assertThat(missingSchema.status()).isEqualTo(404);
        assertThat(missingSchema.body()).isEqualTo(error(40403, "Schema not found"));

        Reply missingSubject = http.post("/subjects/" + subject + "-absent", schemaBody(ORDER_V1));
        assertThat(missingSubject.status()).isEqualTo(404);
        assertThat(missingSubject.body()).isEqualTo(error(40401, "Subject '" + subject + "-absent' not found."));
    }

    @Test
    void servesSchemasById() {
        int id = registered(subject, ORDER_V1);

        Reply byId = http.get("/schemas/ids/" + id + "?fetchMaxId=false&subject=" + subject);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.body()).isEqualTo(RegistryHttp.MAPPER.createObjectNode().put("schema", ORDER_V1));

        Reply raw = http.get("/schemas/ids/" + id + "/schema");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(tree(ORDER_V1));

        Reply subjects = http.get("/schemas/ids/" + id + "/subjects");
        assertThat(subjects.status()).isEqualTo(200);
        assertThat(subjects.body())
                .contains(RegistryHttp.MAPPER.getNodeFactory().textNode(subject));

        Reply missing = http.get("/schemas/ids/99999");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo(error(40403, "Schema 99999 not found"));
    }

    @Test
    void servesSubjectsAndVersions() {
        int id1 = registered(subject, ORDER_V1);
        int id2 = registered(subject, ORDER_V2);

        Reply subjects = http.get("/subjects");
        assertThat(subjects.status()).isEqualTo(200);
        assertThat(subjects.body())
                .contains(RegistryHttp.MAPPER.getNodeFactory().textNode(subject));

        assertThat(http.get("/subjects/" + subject + "/versions").body()).isEqualTo(tree("[1,2]"));

        assertThat(http.get("/subjects/" + subject + "/versions/1").body())
                .isEqualTo(version(subject, 1, id1, ORDER_V1));
        assertThat(http.get("/subjects/" + subject + "/versions/2").body())
                .isEqualTo(version(subject, 2, id2, ORDER_V2));
        assertThat(http.get("/subjects/" + subject + "/versions/latest").body())
                .isEqualTo(version(subject, 2, id2, ORDER_V2));
        assertThat(http.get("/subjects/" + subject + "/versions/-1").body())
                .isEqualTo(version(subject, 2, id2, ORDER_V2));

        Reply rawSchema = http.get("/subjects/" + subject + "/versions/1/schema");
        assertThat(rawSchema.status()).isEqualTo(200);
        assertThat(rawSchema.body()).isEqualTo(tree(ORDER_V1));

        Reply noVersion = http.get("/subjects/" + subject + "/versions/9");
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.body()).isEqualTo(error(40402, "Version 9 not found."));

        String invalidMessage =
                "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"";
        Reply word = http.get("/subjects/" + subject + "/versions/newest");
        assertThat(word.status()).isEqualTo(422);
        assertThat(word.body()).isEqualTo(error(42202, "The specified version 'newest" + invalidMessage));
        Reply zero = http.get("/subjects/" + subject + "/versions/0");
        assertThat(zero.status()).isEqualTo(422);
        assertThat(zero.body()).isEqualTo(error(42202, "The specified version '0" + invalidMessage));

        Reply noSubject = http.get("/subjects/" + subject + "-absent/versions");
        assertThat(noSubject.status()).isEqualTo(404);
        assertThat(noSubject.body()).isEqualTo(error(40401, "Subject '" + subject + "-absent' not found."));
        Reply noSubjectVersion = http.get("/subjects/" + subject + "-absent/versions/latest");
        assertThat(noSubjectVersion.status()).isEqualTo(404);
        assertThat(noSubjectVersion.body()).isEqualTo(error(40401, "Subject '" + subject + "-absent' not found."));
    }

    @Test
    void decodesPercentEncodedSubjectNames() {
        String odd = subject + ":value+key/ü";
        String encoded = subject + "%3Avalue+key%2F%C3%BC";
        int id = registered(encoded, ORDER_V1);

        Reply latest = http.get("/subjects/" + encoded + "/versions/latest");
        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.body()).isEqualTo(version(odd, 1, id, ORDER_V1));
    }

    @Test
    void listsSchemasBySubjectPrefix() {
        int id1 = registered(subject + "-a", ORDER_V1);
        int id2 = registered(subject + "-a", ORDER_V2);
        int id3 = registered(subject + "-b", PAYMENT);
        registered("other-" + subject, PAYMENT);

        Reply all = http.get("/schemas?subjectPrefix=" + subject);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body())
                .isEqualTo(RegistryHttp.MAPPER
                        .createArrayNode()
                        .add(version(subject + "-a", 1, id1, ORDER_V1))
                        .add(version(subject + "-a", 2, id2, ORDER_V2))
                        .add(version(subject + "-b", 1, id3, PAYMENT)));

        assertThat(http.get("/schemas?subjectPrefix=" + subject + "&latestOnly=true")
                        .body())
                .isEqualTo(RegistryHttp.MAPPER
                        .createArrayNode()
                        .add(version(subject + "-a", 2, id2, ORDER_V2))
                        .add(version(subject + "-b", 1, id3, PAYMENT)));
        assertThat(http.get("/schemas?subjectPrefix=" + subject + "&offset=1&limit=1")
                        .body())
                .isEqualTo(RegistryHttp.MAPPER.createArrayNode().add(version(subject + "-a", 2, id2, ORDER_V2)));
    }

    @Test
    void nothingIsReferencedBecauseReferencesAreNotSupported() {
        registered(subject, ORDER_V1);

        Reply none = http.get("/subjects/" + subject + "/versions/1/referencedby");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.body()).isEqualTo(tree("[]"));

        Reply missing = http.get("/subjects/" + subject + "/versions/4/referencedby");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo(error(40402, "Version 4 not found."));
    }

    @Test
    void answersPlainJsonToAClientThatAcceptsOnlyThat() {
        assertThat(http.send("GET", "/config", null, null, "application/json").contentType())
                .isEqualTo("application/json");
        assertThat(http.send("GET", "/config", null, null, "*/*").contentType()).isEqualTo(V1_JSON);
        assertThat(http.send(
                                "GET",
                                "/config",
                                null,
                                null,
                                "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9,"
                                        + " application/json; qs=0.5")
                        .contentType())
                .isEqualTo(V1_JSON);
    }

    // ------------------------------------------------------------------ deletes

    @Test
    void softThenPermanentSubjectDelete() {
        int id = registered(subject, ORDER_V1);
        registered(subject, ORDER_V2);

        Reply permanentFirst = http.delete("/subjects/" + subject + "?permanent=true");
        assertThat(permanentFirst.status()).isEqualTo(404);
        assertThat(permanentFirst.body())
                .isEqualTo(error(
                        40405, "Subject '" + subject + "' was not deleted first before being permanently deleted"));

        Reply soft = http.delete("/subjects/" + subject);
        assertThat(soft.status()).isEqualTo(200);
        assertThat(soft.body()).isEqualTo(tree("[1,2]"));

        assertThat(http.get("/subjects").body())
                .doesNotContain(RegistryHttp.MAPPER.getNodeFactory().textNode(subject));
        assertThat(http.get("/subjects?deleted=true").body())
                .contains(RegistryHttp.MAPPER.getNodeFactory().textNode(subject));
        assertThat(http.get("/subjects/" + subject + "/versions").body())
                .isEqualTo(error(40401, "Subject '" + subject + "' not found."));
        assertThat(http.get("/subjects/" + subject + "/versions?deleted=true").body())
                .isEqualTo(tree("[1,2]"));
        assertThat(http.get("/subjects/" + subject + "/versions?deletedOnly=true")
                        .body())
                .isEqualTo(tree("[1,2]"));
        // Consumers of old data keep working: the id still resolves.
        assertThat(http.get("/schemas/ids/" + id).body())
                .isEqualTo(RegistryHttp.MAPPER.createObjectNode().put("schema", ORDER_V1));

        Reply softAgain = http.delete("/subjects/" + subject);
        assertThat(softAgain.status()).isEqualTo(404);
        assertThat(softAgain.body())
                .isEqualTo(error(
                        40404, "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently"));

        Reply permanent = http.delete("/subjects/" + subject + "?permanent=true");
        assertThat(permanent.status()).isEqualTo(200);
        assertThat(permanent.body()).isEqualTo(tree("[1,2]"));
        assertThat(http.get("/subjects?deleted=true").body())
                .doesNotContain(RegistryHttp.MAPPER.getNodeFactory().textNode(subject));

        Reply gone = http.delete("/subjects/" + subject + "?permanent=true");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).isEqualTo(error(40401, "Subject '" + subject + "' not found."));
    }

    @Test
    void permanentDeleteDropsAnIdNoOtherSubjectUses() {
        String schema = TestSchemas.order(TestSchemas.ID + ",{\"name\":\"only_here\",\"type\":\"int\"}");
        int id = registered(subject, schema);
        http.delete("/subjects/" + subject);
        http.delete("/subjects/" + subject + "?permanent=true");

        Reply missing = http.get("/schemas/ids/" + id);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo(error(40403, "Schema " + id + " not found"));
    }

    @Test
    void softThenPermanentVersionDelete() {
        int id1 = registered(subject, ORDER_V1);
        registered(subject, ORDER_V2);

        Reply permanentFirst = http.delete("/subjects/" + subject + "/versions/1?permanent=true");
        assertThat(permanentFirst.status()).isEqualTo(404);
        assertThat(permanentFirst.body())
                .isEqualTo(error(
                        40407,
                        "Subject '" + subject + "' Version 1 was not deleted first before being permanently deleted"));

        Reply soft = http.delete("/subjects/" + subject + "/versions/1");
        assertThat(soft.status()).isEqualTo(200);
        assertThat(soft.body()).isEqualTo(tree("1"));

        assertThat(http.get("/subjects/" + subject + "/versions").body()).isEqualTo(tree("[2]"));
        Reply hidden = http.get("/subjects/" + subject + "/versions/1");
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.body()).isEqualTo(error(40402, "Version 1 not found."));
        assertThat(http.get("/subjects/" + subject + "/versions/1?deleted=true").body())
                .isEqualTo(version(subject, 1, id1, ORDER_V1));
        assertThat(http.get("/schemas/ids/" + id1).status()).isEqualTo(200);

        Reply softAgain = http.delete("/subjects/" + subject + "/versions/1");
        assertThat(softAgain.status()).isEqualTo(404);
        assertThat(softAgain.body())
                .isEqualTo(error(
                        40406,
                        "Subject '" + subject
                                + "' Version 1 was soft deleted. Set permanent=true to delete permanently"));

        Reply permanent = http.delete("/subjects/" + subject + "/versions/1?permanent=true");
        assertThat(permanent.status()).isEqualTo(200);
        assertThat(permanent.body()).isEqualTo(tree("1"));
        assertThat(http.get("/subjects/" + subject + "/versions?deleted=true").body())
                .isEqualTo(tree("[2]"));

        Reply latest = http.delete("/subjects/" + subject + "/versions/latest");
        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.body()).isEqualTo(tree("2"));

        Reply noVersion = http.delete("/subjects/" + subject + "/versions/7");
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.body()).isEqualTo(error(40402, "Version 7 not found."));
    }

    @Test
    void registeringASoftDeletedSchemaAgainRevivesItWithItsId() {
        int id = registered(subject, ORDER_V1);
        http.delete("/subjects/" + subject);

        Reply again = http.register(subject, ORDER_V1);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(tree("{\"id\":" + id + "}"));
        // Like Confluent, the revived schema becomes a new version after the deleted ones.
        assertThat(http.get("/subjects/" + subject + "/versions").body()).isEqualTo(tree("[2]"));
        assertThat(http.get("/subjects/" + subject + "/versions/latest").body())
                .isEqualTo(version(subject, 2, id, ORDER_V1));
        assertThat(http.get("/subjects").body())
                .contains(RegistryHttp.MAPPER.getNodeFactory().textNode(subject));
    }

    // ------------------------------------------------------------------ compatibility endpoint

    @Test
    void testsCompatibilityAgainstLatestAndASpecificVersion() {
        registered(subject, ORDER_V1);
        String path = "/compatibility/subjects/" + subject + "/versions/";

        Reply compatible = http.post(path + "latest", schemaBody(ORDER_V2));
        assertThat(compatible.status()).isEqualTo(200);
        assertThat(compatible.body()).isEqualTo(tree("{\"is_compatible\":true}"));

        Reply incompatible = http.post(path + "latest", schemaBody(ORDER_WITH_CURRENCY));
        assertThat(incompatible.status()).isEqualTo(200);
        assertThat(incompatible.body()).isEqualTo(tree("{\"is_compatible\":false}"));

        Reply verbose = http.post(path + "1?verbose=true", schemaBody(ORDER_WITH_CURRENCY));
        assertThat(verbose.status()).isEqualTo(200);
        JsonNode expected = RegistryHttp.MAPPER.createObjectNode().put("is_compatible", false);
        ((ObjectNode) expected)
                .putArray("messages")
                .add(MISSING_CURRENCY)
                .add("{oldSchemaVersion: 1}")
                .add("{oldSchema: '" + ORDER_V1 + "'}")
                .add("{compatibility: 'BACKWARD'}");
        assertThat(verbose.body()).isEqualTo(expected);

        Reply verboseCompatible = http.post(path + "latest?verbose=true", schemaBody(ORDER_V2));
        assertThat(verboseCompatible.body()).isEqualTo(tree("{\"is_compatible\":true,\"messages\":[]}"));

        Reply noVersion = http.post(path + "5", schemaBody(ORDER_V2));
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.body()).isEqualTo(error(40402, "Version 5 not found."));

        Reply badVersion = http.post(path + "first", schemaBody(ORDER_V2));
        assertThat(badVersion.status()).isEqualTo(422);
        assertThat(badVersion.body().get("error_code").asInt()).isEqualTo(42202);

        Reply invalid = http.post(path + "latest", schemaBody("{\"type\":"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("error_code").asInt()).isEqualTo(42201);
    }

    @Test
    void aSubjectWithoutVersionsAcceptsAnySchemaAsLatest() {
        Reply reply = http.post("/compatibility/subjects/" + subject + "/versions/latest", schemaBody(ORDER_V1));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(tree("{\"is_compatible\":true}"));

        Reply specific = http.post("/compatibility/subjects/" + subject + "/versions/1", schemaBody(ORDER_V1));
        assertThat(specific.status()).isEqualTo(404);
        assertThat(specific.body()).isEqualTo(error(40401, "Subject '" + subject + "' not found."));
    }

    // ------------------------------------------------------------------ subject config

    @Test
    void subjectConfigOverridesTheGlobalLevel() {
        Reply unset = http.get("/config/" + subject);
        assertThat(unset.status()).isEqualTo(404);
        assertThat(unset.body())
                .isEqualTo(
                        error(40408, "Subject '" + subject + "' does not have subject-level compatibility configured"));
        assertThat(http.get("/config/" + subject + "?defaultToGlobal=true").body())
                .isEqualTo(tree("{\"compatibilityLevel\":\"BACKWARD\"}"));

        Reply set = http.put("/config/" + subject, "{\"compatibility\":\"NONE\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body()).isEqualTo(tree("{\"compatibility\":\"NONE\"}"));
        assertThat(http.get("/config/" + subject).body()).isEqualTo(tree("{\"compatibilityLevel\":\"NONE\"}"));

        registered(subject, ORDER_V1);
        registered(subject, ORDER_WITH_CURRENCY);

        Reply lowerCase = http.put("/config/" + subject, "{\"compatibility\":\"forward\"}");
        assertThat(lowerCase.body()).isEqualTo(tree("{\"compatibility\":\"FORWARD\"}"));

        Reply invalid = http.put("/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body())
                .isEqualTo(error(
                        42203,
                        "Invalid compatibility level 'SIDEWAYS'. Valid values are none, backward,"
                                + " forward, full, backward_transitive, forward_transitive, and full_transitive"));

        Reply deleted = http.delete("/config/" + subject);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo(tree("{\"compatibilityLevel\":\"FORWARD\"}"));
        assertThat(http.get("/config/" + subject).status()).isEqualTo(404);
        Reply deleteAgain = http.delete("/config/" + subject);
        assertThat(deleteAgain.status()).isEqualTo(404);
        assertThat(deleteAgain.body().get("error_code").asInt()).isEqualTo(40408);
    }

    // ------------------------------------------------------------------ fault injection

    @Test
    void injectedFailuresAnswerTheNextRequestsThenStop() {
        EmbeddedSchemaRegistry registry = REGISTRY.registry();
        registered(subject, ORDER_V1);
        long before = registry.requestCount();
        registry.failNextRequests(2, 500);

        for (int i = 0; i < 2; i++) {
            Reply failed = http.get("/subjects/" + subject + "/versions");
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.body())
                    .isEqualTo(error(500, "Injected failure (EmbeddedSchemaRegistry.failNextRequests)"));
        }
        Reply healed = http.get("/subjects/" + subject + "/versions");
        assertThat(healed.status()).isEqualTo(200);
        assertThat(healed.body()).isEqualTo(tree("[1]"));
        assertThat(registry.requestCount()).isEqualTo(before + 3);
    }
}
