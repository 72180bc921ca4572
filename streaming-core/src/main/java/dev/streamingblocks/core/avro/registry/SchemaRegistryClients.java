package dev.streamingblocks.core.avro.registry;

import java.util.Map;

/**
 * Creates the client a serde should use: the HTTP client behind the caches.
 *
 * <pre>{@code
 * SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(
 *         "schema.registry.url", "http://localhost:8081"));
 * }</pre>
 */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {}

    /**
     * @throws IllegalArgumentException as {@link SchemaRegistryClientConfig#fromMap} does
     */
    public static SchemaRegistryClient create(Map<String, ?> config) {
        return create(SchemaRegistryClientConfig.fromMap(config));
    }

    public static SchemaRegistryClient create(SchemaRegistryClientConfig config) {
        return new CachingSchemaRegistryClient(
                new HttpSchemaRegistryClient(config), config.maxSchemasPerSubject());
    }
}
