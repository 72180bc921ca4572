package dev.streamingblocks.core.avro.testutils;

import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.InMemorySchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registries shared by name inside one JVM, so a serializable Flink schema shipped to a MiniCluster
 * task finds the registry the test filled.
 */
public final class SharedRegistries {

    private static final Map<String, CountingRegistryClient> REGISTRIES = new ConcurrentHashMap<>();

    private SharedRegistries() {}

    /** A fresh registry under {@code name}, replacing any earlier one. */
    public static CountingRegistryClient create(String name) {
        CountingRegistryClient client = new CountingRegistryClient(new InMemorySchemaRegistryClient());
        REGISTRIES.put(name, client);
        return client;
    }

    public static SchemaRegistryClient get(String name) {
        SchemaRegistryClient client = REGISTRIES.get(name);
        if (client == null) {
            throw new IllegalStateException("No shared test registry named " + name);
        }
        return client;
    }

    /** A serializable provider returning the registry named {@code name}. */
    public static SchemaRegistryClientProvider provider(String name) {
        return (SchemaRegistryClientProvider) (Map<String, ?> config) -> get(name);
    }
}
