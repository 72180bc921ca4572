package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A client of a Confluent-compatible schema registry.
 *
 * <p>Every method maps to one REST call of Confluent Schema Registry's API; implementations may
 * answer from a cache instead. Failures are {@link SchemaRegistryException}s: the specific
 * subclasses name the subject, version or schema id involved and never carry credentials.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions})
     * and returns its global id. Registering a schema that is already registered returns the
     * existing id.
     *
     * @throws IncompatibleSchemaException when the subject's compatibility level rejects it
     * @throws InvalidSchemaException when the registry rejects the schema text
     */
    int register(String subject, Schema schema);

    /**
     * Looks up the id and version of a schema already registered under {@code subject} ({@code
     * POST /subjects/{subject}}) without registering it.
     *
     * @throws SubjectNotFoundException when the subject does not exist
     * @throws SchemaNotFoundException when the subject exists but does not hold this schema
     */
    RegisteredSchema lookup(String subject, Schema schema);

    /**
     * The schema with the given global id ({@code GET /schemas/ids/{id}}).
     *
     * @throws SchemaNotFoundException when no schema has that id
     */
    Schema getSchemaById(int id);

    /** The latest version of {@code subject} ({@code GET /subjects/{subject}/versions/latest}). */
    RegisteredSchema getLatestVersion(String subject);

    /** One version of {@code subject} ({@code GET /subjects/{subject}/versions/{version}}). */
    RegisteredSchema getVersion(String subject, int version);

    /** The live versions of {@code subject}, ascending ({@code GET /subjects/{subject}/versions}). */
    List<Integer> getVersions(String subject);

    /** All live subjects ({@code GET /subjects}). */
    List<String> getSubjects();

    /**
     * Whether {@code schema} could be registered under {@code subject} now, judged against the
     * versions its compatibility level looks at ({@code POST
     * /compatibility/subjects/{subject}/versions/latest}). A subject that does not exist yet accepts
     * any valid schema.
     */
    boolean testCompatibility(String subject, Schema schema);

    /**
     * The compatibility level in force for {@code subject}: its own if set, otherwise the
     * registry's global level ({@code GET /config/{subject}?defaultToGlobal=true}). Pass {@code
     * null} for the global level ({@code GET /config}).
     */
    CompatibilityLevel getCompatibility(String subject);

    /**
     * Sets the compatibility level of {@code subject} ({@code PUT /config/{subject}}), or the
     * global level when {@code subject} is {@code null} ({@code PUT /config}).
     */
    void setCompatibility(String subject, CompatibilityLevel level);

    /**
     * Deletes {@code subject} ({@code DELETE /subjects/{subject}}, soft unless {@code permanent})
     * and returns the versions deleted. A permanent delete requires a soft delete first, as in
     * Confluent's registry.
     */
    List<Integer> deleteSubject(String subject, boolean permanent);

    /** Releases connections and threads; never throws. */
    @Override
    void close();
}
