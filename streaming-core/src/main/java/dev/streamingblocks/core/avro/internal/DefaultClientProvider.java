package dev.streamingblocks.core.avro.internal;

import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.HttpSchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import java.util.Map;

/**
 * Creates the HTTP registry client from the serde's map. The serdes cache ids and resolved readers
 * themselves, so the steady state makes no registry calls even without a caching client.
 */
public enum DefaultClientProvider implements SchemaRegistryClientProvider {
    INSTANCE;

    @Override
    public SchemaRegistryClient create(Map<String, ?> config) {
        return new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config));
    }

    /**
     * Validates the client keys of {@code config} (URL present, no unknown {@code schema.registry.*}
     * key, well-formed values) without creating a client.
     */
    public static void validate(Map<String, ?> config) {
        SchemaRegistryClientConfig.fromMap(config);
    }
}
