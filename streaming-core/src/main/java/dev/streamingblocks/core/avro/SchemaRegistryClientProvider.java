package dev.streamingblocks.core.avro;

import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.io.Serializable;
import java.util.Map;

/**
 * Creates the registry client of a Flink serde on the task manager, from the serde's
 * configuration map. Serializable because the Flink schemas that hold it are. The default creates
 * the caching HTTP client; tests and users with their own client pass a provider.
 *
 * <pre>{@code
 * SchemaRegistryClientProvider provider = config -> sharedInMemoryClient;
 * AvroRegistryDeserializationSchema.forSpecific(Order.class, config, provider);
 * }</pre>
 */
@FunctionalInterface
public interface SchemaRegistryClientProvider extends Serializable {

    /** A client configured from {@code config}; the serde closes it when it is closed. */
    SchemaRegistryClient create(Map<String, ?> config);
}
