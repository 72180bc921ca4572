/**
 * A client of Confluent-compatible schema registries.
 *
 * <pre>{@code
 * // production: HTTP with failover, retries and caches, from Confluent-style keys
 * SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(
 *         "schema.registry.url", "https://registry-a:8081,https://registry-b:8081",
 *         "basic.auth.user.info", "alice:secret"));
 *
 * // unit tests: the same contract in memory, private or shared per scope
 * SchemaRegistryClient fake = new InMemorySchemaRegistryClient();
 * SchemaRegistryClient shared = SchemaRegistryClients.create(Map.of(
 *         "schema.registry.url", "mock://my-test"));
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.streamingblocks.core.avro.registry.SchemaRegistryClient}: the contract.
 *   <li>{@link dev.streamingblocks.core.avro.registry.SchemaRegistryClients}: the factory a serde
 *       uses (caching HTTP client).
 *   <li>{@link dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig}: every key with
 *       its doc and default.
 *   <li>{@link dev.streamingblocks.core.avro.registry.HttpSchemaRegistryClient} and {@link
 *       dev.streamingblocks.core.avro.registry.CachingSchemaRegistryClient}: the two layers.
 *   <li>{@link dev.streamingblocks.core.avro.registry.InMemorySchemaRegistryClient}: the supported
 *       test double.
 * </ul>
 */
package dev.streamingblocks.core.avro.registry;
