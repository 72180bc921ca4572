package dev.streamingblocks.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
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
            new AvroSchema(
                    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
                            + "{\"name\":\"id\",\"type\":\"string\"}]}");
    /** BACKWARD compatible with v1: the added field has a default. */
    private static final AvroSchema ORDER_V2 =
            new AvroSchema(
                    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
                            + "{\"name\":\"id\",\"type\":\"string\"},"
                            + "{\"name\":\"amount\",\"type\":\"long\",\"default\":0}]}");
    /** Not BACKWARD compatible with v1: the added field has no default. */
    private static final AvroSchema ORDER_NO_DEFAULT =
            new AvroSchema(
                    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
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
}
