package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.core.avro.registry.internal.BoundedCache;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches the answers a serde asks for on every record, in front of any {@link
 * SchemaRegistryClient}, so the steady state makes no registry calls.
 *
 * <pre>{@code
 * SchemaRegistryClient client = new CachingSchemaRegistryClient(
 *         new HttpSchemaRegistryClient(config), config.maxSchemasPerSubject());
 * client.register("orders-value", schema); // HTTP once
 * client.register("orders-value", schema); // from the cache
 * }</pre>
 *
 * <p>Cached, because the registry never changes them: schema by id ({@link #getSchemaById}); the id
 * of a schema registered under a subject ({@link #register}, also filled by {@link #lookup}); the
 * id and version of a schema under a subject ({@link #lookup}). Not cached, because they change:
 * latest version, version lists, subjects, compatibility. {@link #deleteSubject} through this
 * client drops the subject's entries; ids stay cached, as the registry keeps them resolvable.
 *
 * <p>A decorator rather than caches inside the HTTP client, so the same caching sits in front of
 * the {@link InMemorySchemaRegistryClient} in tests and can be proven on its own. Each cache holds
 * at most {@code maxSchemasPerSubject} entries per subject (and that many ids), evicting the
 * oldest. Reads are lock-free {@code ConcurrentHashMap} lookups; concurrent misses may call the
 * delegate more than once for the same key, which is harmless as registration is idempotent.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final int maxSchemasPerSubject;
    private final BoundedCache<Integer, Schema> schemasById;
    private final ConcurrentHashMap<String, BoundedCache<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BoundedCache<Schema, RegisteredSchema>> registeredBySubject =
            new ConcurrentHashMap<>();

    /**
     * Caches with Confluent's default bound ({@value
     * SchemaRegistryClientConfig#DEFAULT_MAX_SCHEMAS_PER_SUBJECT}).
     */
    public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this(delegate, SchemaRegistryClientConfig.DEFAULT_MAX_SCHEMAS_PER_SUBJECT);
    }

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate, int maxSchemasPerSubject) {
        if (delegate == null) {
            throw new IllegalArgumentException("delegate must not be null");
        }
        if (maxSchemasPerSubject < 1) {
            throw new IllegalArgumentException(SchemaRegistryClientConfig.MAX_SCHEMAS_PER_SUBJECT_CONFIG
                    + " must be >= 1, got "
                    + maxSchemasPerSubject);
        }
        this.delegate = delegate;
        this.maxSchemasPerSubject = maxSchemasPerSubject;
        this.schemasById = new BoundedCache<>(maxSchemasPerSubject);
    }

    @Override
    public int register(String subject, Schema schema) {
        BoundedCache<Schema, Integer> ids = cacheOf(idsBySubject, subject);
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        int id = delegate.register(subject, schema);
        ids.put(schema, id);
        schemasById.put(id, schema);
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        BoundedCache<Schema, RegisteredSchema> registered = cacheOf(registeredBySubject, subject);
        RegisteredSchema cached = registered.get(schema);
        if (cached != null) {
            return cached;
        }
        RegisteredSchema found = delegate.lookup(subject, schema);
        registered.put(schema, found);
        cacheOf(idsBySubject, subject).put(schema, found.id());
        schemasById.put(found.id(), found.schema());
        return found;
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = delegate.getSchemaById(id);
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject) {
        return delegate.getLatestVersion(subject);
    }

    @Override
    public RegisteredSchema getVersion(String subject, int version) {
        return delegate.getVersion(subject, version);
    }

    @Override
    public List<Integer> getVersions(String subject) {
        return delegate.getVersions(subject);
    }

    @Override
    public List<String> getSubjects() {
        return delegate.getSubjects();
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        return delegate.testCompatibility(subject, schema);
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        return delegate.getCompatibility(subject);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        try {
            return delegate.deleteSubject(subject, permanent);
        } finally {
            // Drop even on failure: the delete may have reached the registry before the error.
            idsBySubject.remove(subject);
            registeredBySubject.remove(subject);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    public int maxSchemasPerSubject() {
        return maxSchemasPerSubject;
    }

    @Override
    public String toString() {
        return "CachingSchemaRegistryClient{maxSchemasPerSubject="
                + maxSchemasPerSubject
                + ", delegate="
                + delegate
                + '}';
    }

    private <V> BoundedCache<Schema, V> cacheOf(
            ConcurrentHashMap<String, BoundedCache<Schema, V>> caches, String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException(
                    "subject must be a non-empty string, got " + (subject == null ? "null" : "''"));
        }
        BoundedCache<Schema, V> cache = caches.get(subject);
        return cache != null ? cache : caches.computeIfAbsent(subject, s -> new BoundedCache<>(maxSchemasPerSubject));
    }
}
