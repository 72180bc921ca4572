package dev.streamingblocks.core.avro.testutils;

import dev.streamingblocks.core.avro.registry.CompatibilityLevel;
import dev.streamingblocks.core.avro.registry.IncompatibleSchemaException;
import dev.streamingblocks.core.avro.registry.RegisteredSchema;
import dev.streamingblocks.core.avro.registry.SchemaNotFoundException;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SubjectNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A minimal in-memory registry until the client branch's InMemorySchemaRegistryClient is on main
 * (same message wording). BACKWARD compatibility against the latest version only.
 */
public final class TinyRegistryClient implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, Integer> idByText = new HashMap<>();
    private final Map<String, List<RegisteredSchema>> subjects = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<RegisteredSchema> versions = subjects.computeIfAbsent(subject, k -> new ArrayList<>());
        for (RegisteredSchema v : versions) {
            if (v.schema().equals(schema)) {
                return v.id();
            }
        }
        if (!versions.isEmpty()) {
            Schema latest = versions.get(versions.size() - 1).schema();
            if (SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
                    != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new IncompatibleSchemaException(
                        "Schema registry rejected the schema for subject '"
                                + subject
                                + "' as incompatible under compatibility level BACKWARD");
            }
        }
        int id = idByText.computeIfAbsent(schema.toString(), k -> idByText.size() + 1);
        byId.put(id, schema);
        versions.add(new RegisteredSchema(subject, id, versions.size() + 1, schema));
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        for (RegisteredSchema v : live(subject)) {
            if (v.schema().equals(schema)) {
                return v;
            }
        }
        throw new SchemaNotFoundException(
                "Schema registry holds no such schema under subject '" + subject + "'");
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema registry has no schema with id " + id);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema getLatestVersion(String subject) {
        List<RegisteredSchema> versions = live(subject);
        return versions.get(versions.size() - 1);
    }

    @Override
    public synchronized RegisteredSchema getVersion(String subject, int version) {
        return live(subject).get(version - 1);
    }

    @Override
    public synchronized List<Integer> getVersions(String subject) {
        List<Integer> result = new ArrayList<>();
        for (RegisteredSchema v : live(subject)) {
            result.add(v.version());
        }
        return result;
    }

    @Override
    public synchronized List<String> getSubjects() {
        return new ArrayList<>(subjects.keySet());
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        throw new UnsupportedOperationException("not needed by the serde tests");
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        return CompatibilityLevel.BACKWARD;
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        throw new UnsupportedOperationException("not needed by the serde tests");
    }

    @Override
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> versions = getVersions(subject);
        subjects.remove(subject);
        return versions;
    }

    @Override
    public void close() {}

    private List<RegisteredSchema> live(String subject) {
        List<RegisteredSchema> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SubjectNotFoundException("Schema registry has no subject '" + subject + "'");
        }
        return versions;
    }
}
