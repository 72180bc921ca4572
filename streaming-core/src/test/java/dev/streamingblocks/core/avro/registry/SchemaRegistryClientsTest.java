package dev.streamingblocks.core.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientsTest {

    @Test
    void anHttpUrlGivesTheCachingHttpClient() {
        try (SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(
                "schema.registry.url", "http://127.0.0.1:8081",
                "max.schemas.per.subject", "10"))) {
            assertThat(client).isInstanceOf(CachingSchemaRegistryClient.class);
            assertThat(client.toString())
                    .isEqualTo("CachingSchemaRegistryClient{maxSchemasPerSubject=10,"
                            + " delegate=HttpSchemaRegistryClient{urls=[http://127.0.0.1:8081],"
                            + " auth=none}}");
        }
    }

    @Test
    void aMockUrlGivesTheSharedInMemoryRegistryOfItsScope() {
        String scope = "clients-test-" + System.nanoTime();
        try {
            SchemaRegistryClient writer =
                    SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://" + scope));
            SchemaRegistryClient reader =
                    SchemaRegistryClients.create(Map.of("schema.registry.url", List.of("mock://" + scope)));
            assertThat(reader).isSameAs(writer).isSameAs(InMemorySchemaRegistryClient.forScope(scope));

            int id = writer.register("orders-value", InMemorySchemaRegistryClientTest.V1);
            writer.close(); // a closing serde must not wipe what the others share
            assertThat(reader.getSchemaById(id)).isEqualTo(InMemorySchemaRegistryClientTest.V1);

            SchemaRegistryClient other =
                    SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://" + scope + "-other"));
            assertThat(other.getSubjects()).isEmpty();
        } finally {
            InMemorySchemaRegistryClient.dropScope(scope);
            InMemorySchemaRegistryClient.dropScope(scope + "-other");
        }
        assertThat(InMemorySchemaRegistryClient.forScope(scope).getSubjects()).isEmpty();
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Test
    void aMockUrlMustStandAloneAndNameAScope() {
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://a,http://b:1")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value for configuration 'schema.registry.url': a mock URL must be"
                        + " the only URL and name a scope, as in 'mock://my-scope', got"
                        + " 'mock://a,http://b:1'");
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value for configuration 'schema.registry.url': a mock URL must be"
                        + " the only URL and name a scope, as in 'mock://my-scope', got"
                        + " 'mock://'");
        // The other URL's userinfo must not reach the message.
        assertThatThrownBy(() -> SchemaRegistryClients.create(
                        Map.of("schema.registry.url", "http://alice:s3cret@registry:8081,mock://a")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value for configuration 'schema.registry.url': a mock URL must be"
                        + " the only URL and name a scope, as in 'mock://my-scope', got"
                        + " 'http://registry:8081,mock://a'");
        assertThatThrownBy(() -> InMemorySchemaRegistryClient.forScope(" "))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("scope must be a non-blank string, got ' '");
    }
}
