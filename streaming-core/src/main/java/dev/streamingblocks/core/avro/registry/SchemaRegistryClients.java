package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.core.avro.registry.internal.RegistryEndpoint;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Creates the client a serde should use: the HTTP client behind the caches, or, for a {@code
 * mock://<scope>} URL as in Confluent's serdes, the JVM-wide in-memory registry of that scope.
 *
 * <pre>{@code
 * SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(
 *         "schema.registry.url", "http://localhost:8081"));
 *
 * // tests: every serde configured with this map shares one in-memory registry
 * SchemaRegistryClient shared = SchemaRegistryClients.create(Map.of(
 *         "schema.registry.url", "mock://orders-test"));
 * }</pre>
 */
public final class SchemaRegistryClients {

    /** Confluent's URL prefix for a scoped in-memory registry. */
    public static final String MOCK_URL_PREFIX = "mock://";

    private SchemaRegistryClients() {}

    /**
     * @throws IllegalArgumentException as {@link SchemaRegistryClientConfig#fromMap} does, or when
     *     a {@code mock://} URL is mixed with others or names no scope
     */
    public static SchemaRegistryClient create(Map<String, ?> config) {
        String scope = mockScope(config == null ? null : config.get(SchemaRegistryClientConfig.URL_CONFIG));
        if (scope != null) {
            return InMemorySchemaRegistryClient.forScope(scope);
        }
        return create(SchemaRegistryClientConfig.fromMap(config));
    }

    public static SchemaRegistryClient create(SchemaRegistryClientConfig config) {
        return new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(config), config.maxSchemasPerSubject());
    }

    private static String mockScope(Object urls) {
        if (urls == null) {
            return null;
        }
        String text = urls instanceof Collection<?> c
                ? String.join(",", c.stream().map(String::valueOf).toList())
                : urls.toString();
        if (!text.contains(MOCK_URL_PREFIX)) {
            return null;
        }
        String trimmed = text.trim();
        String scope = trimmed.startsWith(MOCK_URL_PREFIX) ? trimmed.substring(MOCK_URL_PREFIX.length()) : "";
        if (text.contains(",") || scope.isBlank() || scope.contains("/")) {
            throw new IllegalArgumentException("Invalid value for configuration '"
                    + SchemaRegistryClientConfig.URL_CONFIG
                    + "': a mock URL must be the only URL and name a scope, as in"
                    + " 'mock://my-scope', got '"
                    + withoutUserInfo(text)
                    + "'");
        }
        return scope;
    }

    /** The other URLs in the list may carry {@code user:password@}; messages never show it. */
    private static String withoutUserInfo(String urls) {
        return Arrays.stream(urls.split(",", -1))
                .map(RegistryEndpoint::stripUserInfo)
                .collect(Collectors.joining(","));
    }
}
