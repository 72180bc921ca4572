package dev.streamingblocks.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaMetadata;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drives the registry with Confluent's own client (7.5.3, shaded inside Flink's
 * flink-sql-avro-confluent-registry): what works against Confluent's server must work here.
 */
class ConfluentClientITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    private static final AvroSchema ORDER_V1 =
            new AvroSchema("{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"string\"}]}");
    /** BACKWARD compatible with v1: the added field has a default. */
    private static final AvroSchema ORDER_V2 =
            new AvroSchema("{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"string\"},"
                    + "{\"name\":\"amount\",\"type\":\"long\",\"default\":0}]}");
    /** Not BACKWARD compatible with v1: the added field has no default. */
    private static final AvroSchema ORDER_NO_DEFAULT =
            new AvroSchema("{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"string\"},"
                    + "{\"name\":\"currency\",\"type\":\"string\"}]}");

    private CachedSchemaRegistryClient client;
    private String subject;

    @BeforeEach
    void setUp() {
        client = new CachedSchemaRegistryClient(REGISTRY.url(), 100);
        subject = "confluent-client-" + SUBJECTS.incrementAndGet() + "-value";
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
    }

    @Test
    void registersAndResolvesWithConfluentsClient() throws Exception {
        int id = client.register(subject, ORDER_V1);

        assertThat(client.getId(subject, ORDER_V1)).isEqualTo(id);
        assertThat(client.getSchemaById(id).canonicalString()).isEqualTo(ORDER_V1.canonicalString());
        assertThat(client.getSchemaBySubjectAndId(subject, id).canonicalString())
                .isEqualTo(ORDER_V1.canonicalString());
        SchemaMetadata latest = client.getLatestSchemaMetadata(subject);
        assertThat(latest.getId()).isEqualTo(id);
        assertThat(latest.getVersion()).isEqualTo(1);
        assertThat(latest.getSchema()).isEqualTo(ORDER_V1.canonicalString());
        assertThat(client.getAllVersions(subject)).containsExactly(1);
        assertThat(client.getAllSubjects()).contains(subject);
        assertThat(client.getVersion(subject, ORDER_V1)).isEqualTo(1);
    }

    @Test
    void sameSchemaUnderAnotherSubjectKeepsItsGlobalId() throws Exception {
        int id = client.register(subject, ORDER_V1);
        int again = client.register(subject + "-copy", ORDER_V1);

        assertThat(again).isEqualTo(id);
        assertThat(client.getAllSubjectsById(id)).containsExactly(subject, subject + "-copy");
    }

    @Test
    void evolvesUnderBackwardAndRejectsAnIncompatibleSchema() throws Exception {
        int v1 = client.register(subject, ORDER_V1);
        assertThat(client.testCompatibility(subject, ORDER_V2)).isTrue();
        assertThat(client.testCompatibility(subject, ORDER_NO_DEFAULT)).isFalse();

        int v2 = client.register(subject, ORDER_V2);
        assertThat(v2).isNotEqualTo(v1);
        SchemaMetadata latest = client.getLatestSchemaMetadata(subject);
        assertThat(latest.getVersion()).isEqualTo(2);
        assertThat(latest.getId()).isEqualTo(v2);

        RestClientException rejected =
                catchThrowableOfType(RestClientException.class, () -> client.register(subject, ORDER_NO_DEFAULT));
        assertThat(rejected.getStatus()).isEqualTo(409);
        assertThat(rejected.getErrorCode()).isEqualTo(409);
        assertThat(rejected.getMessage())
                .startsWith("Schema being registered is incompatible with an earlier schema for subject \"" + subject
                        + "\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'")
                .contains("{oldSchemaVersion: 2}", "{compatibility: 'BACKWARD'}")
                .endsWith("; error code: 409");
    }

    @Test
    void listsSchemasAndExplainsIncompatibilities() throws Exception {
        client.register(subject, ORDER_V1);
        client.register(subject, ORDER_V2);

        assertThat(client.getSchemas(subject, false, true))
                .extracting(schema -> schema.canonicalString())
                .containsExactly(ORDER_V2.canonicalString());
        assertThat(client.getSchemas(subject, false, false)).hasSize(2);

        assertThat(client.testCompatibilityVerbose(subject, ORDER_V2)).isEmpty();
        assertThat(client.testCompatibilityVerbose(subject, ORDER_NO_DEFAULT))
                .containsExactly(
                        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'currency' at"
                                + " path '/fields/1' in the new schema has no default value and is missing in"
                                + " the old schema', additionalInfo:'currency'}",
                        "{oldSchemaVersion: 2}",
                        "{oldSchema: '" + ORDER_V2.canonicalString() + "'}",
                        "{compatibility: 'BACKWARD'}");
    }

    @Test
    void updatesTheCompatibilityLevelOfASubject() throws Exception {
        client.register(subject, ORDER_V1);

        assertThat(client.updateCompatibility(subject, "NONE")).isEqualTo("NONE");
        assertThat(client.getCompatibility(subject)).isEqualTo("NONE");
        assertThat(client.testCompatibility(subject, ORDER_NO_DEFAULT)).isTrue();
        assertThat(client.register(subject, ORDER_NO_DEFAULT)).isPositive();
        assertThat(client.getAllVersions(subject)).containsExactly(1, 2);

        RestClientException invalid =
                catchThrowableOfType(RestClientException.class, () -> client.updateCompatibility(subject, "SIDEWAYS"));
        assertThat(invalid.getStatus()).isEqualTo(422);
        assertThat(invalid.getErrorCode()).isEqualTo(42203);
    }

    @Test
    void deletesSoftThenPermanently() throws Exception {
        int id = client.register(subject, ORDER_V1);
        client.register(subject, ORDER_V2);

        assertThat(client.deleteSubject(subject)).containsExactly(1, 2);
        assertThat(client.getAllSubjects()).doesNotContain(subject);
        assertThat(client.getAllSubjects(true)).contains(subject);
        // Consumers of old data still resolve the id after a soft delete (fresh client: no cache).
        try (CachedSchemaRegistryClient fresh = new CachedSchemaRegistryClient(REGISTRY.url(), 10)) {
            assertThat(fresh.getSchemaById(id).canonicalString()).isEqualTo(ORDER_V1.canonicalString());
        }
        assertThat(client.deleteSubject(subject, true)).containsExactly(1, 2);
        assertThat(client.getAllSubjects(true)).doesNotContain(subject);
    }

    @Test
    void mapsRegistryErrorsToRestClientExceptionsWithConfluentsCodes() throws Exception {
        RestClientException noSubject =
                catchThrowableOfType(RestClientException.class, () -> client.getLatestSchemaMetadata(subject));
        assertThat(noSubject.getStatus()).isEqualTo(404);
        assertThat(noSubject.getErrorCode()).isEqualTo(40401);
        assertThat(noSubject.getMessage()).isEqualTo("Subject '" + subject + "' not found.; error code: 40401");

        RestClientException noSchema =
                catchThrowableOfType(RestClientException.class, () -> client.getSchemaById(987654));
        assertThat(noSchema.getStatus()).isEqualTo(404);
        assertThat(noSchema.getErrorCode()).isEqualTo(40403);
        assertThat(noSchema.getMessage()).isEqualTo("Schema 987654 not found; error code: 40403");

        client.register(subject, ORDER_V1);
        RestClientException noVersion =
                catchThrowableOfType(RestClientException.class, () -> client.getSchemaMetadata(subject, 7));
        assertThat(noVersion.getStatus()).isEqualTo(404);
        assertThat(noVersion.getErrorCode()).isEqualTo(40402);
        assertThat(noVersion.getMessage()).isEqualTo("Version 7 not found.; error code: 40402");

        RestClientException notRegistered =
                catchThrowableOfType(RestClientException.class, () -> client.getId(subject, ORDER_V2));
        assertThat(notRegistered.getStatus()).isEqualTo(404);
        assertThat(notRegistered.getErrorCode()).isEqualTo(40403);
        assertThat(notRegistered.getMessage()).isEqualTo("Schema not found; error code: 40403");
    }

    @Test
    void aWarmCacheMakesNoHttpCalls() throws Exception {
        int id = client.register(subject, ORDER_V1);
        client.getSchemaById(id);
        client.getSchemaBySubjectAndId(subject, id);
        client.getId(subject, ORDER_V1);
        long before = REGISTRY.registry().requestCount();

        assertThat(client.register(subject, ORDER_V1)).isEqualTo(id);
        assertThat(client.getSchemaById(id).canonicalString()).isEqualTo(ORDER_V1.canonicalString());
        assertThat(client.getSchemaBySubjectAndId(subject, id).canonicalString())
                .isEqualTo(ORDER_V1.canonicalString());
        assertThat(client.getId(subject, ORDER_V1)).isEqualTo(id);

        assertThat(REGISTRY.registry().requestCount()).isEqualTo(before);
    }

    @Test
    void injectedFailuresReachTheClientAsRestClientExceptions() throws Exception {
        client.register(subject, ORDER_V1);
        REGISTRY.registry().failNextRequests(1, 503);
        long before = REGISTRY.registry().requestCount();

        RestClientException failed =
                catchThrowableOfType(RestClientException.class, () -> client.getLatestSchemaMetadata(subject));
        assertThat(failed.getStatus()).isEqualTo(503);
        assertThat(failed.getErrorCode()).isEqualTo(503);
        assertThat(failed.getMessage())
                .isEqualTo("Injected failure (EmbeddedSchemaRegistry.failNextRequests); error code: 503");
        // Confluent's client does not retry a 503 itself: exactly one request reached the registry.
        assertThat(REGISTRY.registry().requestCount()).isEqualTo(before + 1);

        assertThat(client.getLatestSchemaMetadata(subject).getVersion()).isEqualTo(1);
    }

    @Test
    void sendsBasicAuthCredentialsConfiguredTheConfluentWay() throws Exception {
        try (EmbeddedSchemaRegistry secured = EmbeddedSchemaRegistry.builder()
                .setBasicAuth("flink", "s3cret!")
                .build()) {
            secured.start();
            try (CachedSchemaRegistryClient authorized = new CachedSchemaRegistryClient(
                            secured.url(),
                            10,
                            Map.of(
                                    "basic.auth.credentials.source", "USER_INFO",
                                    "basic.auth.user.info", "flink:s3cret!"));
                    CachedSchemaRegistryClient anonymous = new CachedSchemaRegistryClient(secured.url(), 10)) {
                assertThat(authorized.register(subject, ORDER_V1)).isEqualTo(1);

                RestClientException denied =
                        catchThrowableOfType(RestClientException.class, () -> anonymous.getAllSubjects());
                assertThat(denied.getStatus()).isEqualTo(401);
                assertThat(denied.getErrorCode()).isEqualTo(401);
                assertThat(denied.getMessage()).isEqualTo("Unauthorized; error code: 401");
            }
        }
    }
}
