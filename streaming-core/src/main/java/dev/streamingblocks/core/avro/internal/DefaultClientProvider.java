package dev.streamingblocks.core.avro.internal;

import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClients;
import java.util.Map;

/**
 * Creates the caching HTTP registry client from the serde's map. The serdes also cache ids and
 * resolved readers themselves, so the hot path does not even reach the client's caches.
 */
public enum DefaultClientProvider implements SchemaRegistryClientProvider {
    INSTANCE;

    @Override
    public SchemaRegistryClient create(Map<String, ?> config) {
        return SchemaRegistryClients.create(config);
    }

    /**
     * Validates the client keys of {@code config} (URL present, no unknown {@code schema.registry.*}
     * key, well-formed values) without creating a client.
     */
    public static void validate(Map<String, ?> config) {
        SchemaRegistryClientConfig.fromMap(config);
    }
}
