package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.core.avro.registry.internal.RegistryMessages;
import dev.streamingblocks.registry.protocol.AvroCompatibility;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.registry.protocol.RegistryErrorCodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A schema registry held in memory, for users' unit tests: the same contract as the HTTP client,
 * without a server (like Kafka's {@code MockProducer} next to {@code KafkaProducer}).
 *
 * <pre>{@code
 * SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
 * int id = registry.register("orders-value", Order.getClassSchema());
 * Schema same = registry.getSchemaById(id);
 * }</pre>
 *
 * <p>It behaves like Confluent's registry where user code can observe it: ids are global and the
 * same schema text gets the same id under every subject; registering a schema the subject already
 * holds returns its id without a new version; the compatibility level (global default {@link
 * CompatibilityLevel#BACKWARD}, or per subject) is enforced with Avro's {@link
 * SchemaCompatibility}; deletes are soft first, and a permanent delete needs a soft delete before
 * it. Errors are the same {@link SchemaRegistryException} subclasses with the same messages as the
 * HTTP client's, without the HTTP part. Thread-safe: every call holds one lock, which is fine for a
 * test double.
 *
 * <p>When Flink creates the serdes from a configuration map (one per subtask), they cannot share an
 * instance handed to them: configure {@code schema.registry.url = mock://<scope>} instead, and
 * {@link SchemaRegistryClients#create} gives all of them {@link #forScope}{@code (scope)}.
 */
public class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    /** Confluent's default global level. */
    public static final CompatibilityLevel DEFAULT_COMPATIBILITY = CompatibilityLevel.BACKWARD;

    private final Object lock = new Object();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    // Keyed by the full schema JSON: identical text shares one global id, as in Confluent.
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<String, Subject> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = DEFAULT_COMPATIBILITY;
    private int nextId = 1;

    /** Scoped registries shared across the JVM, as Confluent's {@code mock://} URLs give. */
    private static final ConcurrentHashMap<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    /** A fresh registry, private to the caller. */
    public InMemorySchemaRegistryClient() {}

    /**
     * The registry of {@code scope}, shared by every caller in this JVM, created on first use.
     * {@link SchemaRegistryClients#create} returns it for {@code schema.registry.url =
     * mock://<scope>}, so serializers and deserializers that Flink instantiates from a
     * configuration map (one per subtask) see the same ids. {@link #close()} keeps its content;
     * {@link #dropScope} discards it.
     */
    public static InMemorySchemaRegistryClient forScope(String scope) {
        if (scope == null || scope.isBlank()) {
            throw new IllegalArgumentException("scope must be a non-blank string, got '" + scope + "'");
        }
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
    }

    /** Forgets the registry of {@code scope}; the next {@link #forScope} starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public int register(String subject, Schema schema) {
        requireSubject(subject);
        requireNonNull(schema, "schema");
        synchronized (lock) {
            Subject s = subjects.computeIfAbsent(subject, k -> new Subject());
            SchemaVersion existing = s.liveVersionOf(schema);
            if (existing != null) {
                return existing.id;
            }
            CompatibilityLevel level = levelOf(subject);
            String incompatibility = incompatibility(schema, s, level);
            if (incompatibility != null) {
                if (s.versions.isEmpty()) {
                    subjects.remove(subject);
                }
                throw new IncompatibleSchemaException(
                        RegistryMessages.incompatible(subject, level) + ": " + incompatibility);
            }
            int id = idsBySchemaText.computeIfAbsent(schema.toString(), k -> nextId++);
            schemasById.putIfAbsent(id, schema);
            s.versions.add(new SchemaVersion(s.nextVersion++, id, schema));
            return id;
        }
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        requireSubject(subject);
        requireNonNull(schema, "schema");
        synchronized (lock) {
            Subject s = liveSubject(subject);
            SchemaVersion v = s.liveVersionOf(schema);
            if (v == null) {
                throw new SchemaNotFoundException(RegistryMessages.schemaNotUnderSubject(subject));
            }
            return v.toRegistered(subject);
        }
    }

    @Override
    public Schema getSchemaById(int id) {
        synchronized (lock) {
            Schema schema = schemasById.get(id);
            if (schema == null) {
                throw new SchemaNotFoundException(RegistryMessages.noSchemaWithId(id));
            }
            return schema;
        }
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject) {
        requireSubject(subject);
        synchronized (lock) {
            List<SchemaVersion> live = liveSubject(subject).live();
            return live.get(live.size() - 1).toRegistered(subject);
        }
    }

    @Override
    public RegisteredSchema getVersion(String subject, int version) {
        requireSubject(subject);
        synchronized (lock) {
            for (SchemaVersion v : liveSubject(subject).live()) {
                if (v.version == version) {
                    return v.toRegistered(subject);
                }
            }
            throw new VersionNotFoundException(RegistryMessages.noVersion(subject, version));
        }
    }

    @Override
    public List<Integer> getVersions(String subject) {
        requireSubject(subject);
        synchronized (lock) {
            List<Integer> versions = new ArrayList<>();
            for (SchemaVersion v : liveSubject(subject).live()) {
                versions.add(v.version);
            }
            return List.copyOf(versions);
        }
    }

    @Override
    public List<String> getSubjects() {
        synchronized (lock) {
            List<String> live = new ArrayList<>();
            subjects.forEach((name, s) -> {
                if (!s.live().isEmpty()) {
                    live.add(name);
                }
            });
            return List.copyOf(live);
        }
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        requireSubject(subject);
        requireNonNull(schema, "schema");
        synchronized (lock) {
            Subject s = subjects.get(subject);
            if (s == null || s.live().isEmpty()) {
                return true;
            }
            return incompatibility(schema, s, levelOf(subject)) == null;
        }
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        synchronized (lock) {
            return subject == null ? globalLevel : levelOf(subject);
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        requireNonNull(level, "level");
        synchronized (lock) {
            if (subject == null) {
                globalLevel = level;
            } else {
                subjectLevels.put(subject, level);
            }
        }
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        requireSubject(subject);
        synchronized (lock) {
            Subject s = subjects.get(subject);
            if (s == null || s.versions.isEmpty()) {
                throw new SubjectNotFoundException(RegistryMessages.noSubject(subject));
            }
            List<Integer> deleted = new ArrayList<>();
            if (permanent) {
                if (!s.live().isEmpty()) {
                    throw new SchemaRegistryException(
                            RegistryMessages.notSoftDeleted(subject),
                            RegistryErrorCodes.httpStatus(RegistryErrorCodes.SUBJECT_NOT_SOFT_DELETED),
                            RegistryErrorCodes.SUBJECT_NOT_SOFT_DELETED);
                }
                for (SchemaVersion v : s.versions) {
                    deleted.add(v.version);
                }
                s.versions.clear();
                subjectLevels.remove(subject);
            } else {
                List<SchemaVersion> live = s.live();
                if (live.isEmpty()) {
                    throw new SubjectNotFoundException(RegistryMessages.noSubject(subject));
                }
                for (SchemaVersion v : live) {
                    v.deleted = true;
                    deleted.add(v.version);
                }
            }
            return List.copyOf(deleted);
        }
    }

    /** Nothing to release; the registry's content stays readable after close, as tests expect. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemorySchemaRegistryClient{subjects=" + getSubjects() + ", schemas=" + schemasById.size() + '}';
        }
    }

    private CompatibilityLevel levelOf(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private Subject liveSubject(String subject) {
        Subject s = subjects.get(subject);
        if (s == null || s.live().isEmpty()) {
            throw new SubjectNotFoundException(RegistryMessages.noSubject(subject));
        }
        return s;
    }

    /** Why {@code candidate} breaks {@code level} against the subject's live versions, or null. */
    private static String incompatibility(Schema candidate, Subject s, CompatibilityLevel level) {
        List<AvroCompatibility.Version> newestFirst = new ArrayList<>();
        for (SchemaVersion v : s.live()) {
            newestFirst.add(0, new AvroCompatibility.Version(v.version, v.schema));
        }
        return AvroCompatibility.firstViolation(level, candidate, newestFirst)
                .map(violation -> violation.newCannotReadOld().isEmpty()
                        ? "version " + violation.version().version() + " cannot read data written with the new schema"
                        : "the new schema cannot read data written with version "
                                + violation.version().version())
                .orElse(null);
    }

    /** As the HTTP client words it, so code tested against this double meets the same failure. */
    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException(
                    "subject must be a non-empty string, got " + (subject == null ? "null" : "''"));
        }
    }

    private static final class Subject {
        final List<SchemaVersion> versions = new ArrayList<>();
        int nextVersion = 1;

        List<SchemaVersion> live() {
            List<SchemaVersion> live = new ArrayList<>();
            for (SchemaVersion v : versions) {
                if (!v.deleted) {
                    live.add(v);
                }
            }
            return live;
        }

        SchemaVersion liveVersionOf(Schema schema) {
            for (SchemaVersion v : versions) {
                if (!v.deleted && v.schema.equals(schema)) {
                    return v;
                }
            }
            return null;
        }
    }

    private static final class SchemaVersion {
        final int version;
        final int id;
        final Schema schema;
        boolean deleted;

        SchemaVersion(int version, int id, Schema schema) {
            this.version = version;
            this.id = id;
            this.schema = schema;
        }

        RegisteredSchema toRegistered(String subject) {
            return new RegisteredSchema(subject, id, version, schema);
        }
    }
}
