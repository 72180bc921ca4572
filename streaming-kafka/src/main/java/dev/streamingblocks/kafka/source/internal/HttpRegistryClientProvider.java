package dev.streamingblocks.kafka.source.internal;

import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.HttpSchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import java.util.Map;

/** Creates the HTTP registry client from the serde's configuration map, on the task manager. */
public final class HttpRegistryClientProvider implements SchemaRegistryClientProvider {

    private static final long serialVersionUID = 1L;

    @Override
    public SchemaRegistryClient create(Map<String, ?> config) {
        return new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config));
    }
}
