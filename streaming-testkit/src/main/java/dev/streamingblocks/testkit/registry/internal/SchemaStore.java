package dev.streamingblocks.testkit.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The registry's state: subjects, their versions, global schema ids and compatibility config.
 *
 * <p>Every change is one event ({@code register}, {@code delete_subject}, {@code delete_version},
 * {@code config}); it is appended to the {@link StorageLog} (when there is one) and then applied
 * by the same code that replays the log on start, so a restarted store is the store that was
 * closed. All methods are synchronized: the store is small and a single lock makes concurrent
 * registrations get distinct versions and ids without further thought.
 */
public final class SchemaStore implements Closeable {

    /** One version of one subject, as the REST API reports it. */
    public record SubjectVersion(String subject, int version, int id, String schema, boolean deleted) {}

    /** The outcome of a compatibility check; {@code messages} is empty when compatible. */
    public record CompatibilityCheck(boolean compatible, List<String> messages) {}

    private static final String LATEST = "latest";

    private final ObjectMapper mapper;
    private final StorageLog log;
    private final CompatibilityLevel defaultLevel;

    private final Map<String, NavigableMap<Integer, SubjectVersion>> subjects = new HashMap<>();
    private final Map<String, Integer> idsByCanonicalSchema = new HashMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    /** How many stored versions (live or soft-deleted) use each id; an id resolves while > 0. */
    private final Map<Integer, Integer> idReferences = new HashMap<>();

    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    /** A store in memory ({@code storageFile == null}) or replayed from and logging to a file. */
    public SchemaStore(Path storageFile, CompatibilityLevel defaultLevel, ObjectMapper mapper) {
        this.mapper = mapper;
        this.defaultLevel = defaultLevel;
        this.globalLevel = defaultLevel;
        if (storageFile == null) {
            this.log = null;
        } else {
            List<JsonNode> events = new ArrayList<>();
            this.log = StorageLog.open(storageFile, mapper, events);
            int line = 0;
            for (JsonNode event : events) {
                line++;
                try {
                    apply(event);
                } catch (RuntimeException e) {
                    log.close();
                    throw new IllegalStateException(
                            "Schema registry storage file " + storageFile + ": cannot replay event " + line + " ("
                                    + event.path("op").asText() + "): " + e.getMessage(),
                            e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- registration and lookup

    /** Registers {@code schemaText} under {@code subject} and returns its global id. */
    public synchronized int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions != null) {
            for (SubjectVersion existing : versions.values()) {
                if (!existing.deleted() && existing.schema().equals(canonical)) {
                    return existing.id();
                }
            }
        }
        List<String> problems =
                AvroCompatibilityChecker.incompatibilities(effectiveLevel(subject), schema, earlierFor(subject));
        if (!problems.isEmpty()) {
            throw RegistryError.incompatible(subject, problems);
        }
        // Like Confluent: versions keep counting past soft-deleted ones, ids are global per schema.
        int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        Integer knownId = idsByCanonicalSchema.get(canonical);
        int id = knownId != null ? knownId : maxId + 1;
        ObjectNode event = event("register");
        event.put("subject", subject);
        event.put("version", version);
        event.put("id", id);
        event.put("schema", canonical);
        record(event);
        return id;
    }

    /** The version of {@code subject} that holds {@code schemaText} ({@code POST /subjects/{s}}). */
    public synchronized SubjectVersion lookup(String subject, String schemaText, boolean includeDeleted) {
        String canonical = parse(schemaText).toString();
        NavigableMap<Integer, SubjectVersion> versions = visibleVersions(subject, includeDeleted);
        for (SubjectVersion candidate : versions.descendingMap().values()) {
            if (candidate.schema().equals(canonical)) {
                return candidate;
            }
        }
        throw RegistryError.schemaNotFound();
    }

    /** The schema with global id {@code id}; soft-deleted schemas still resolve. */
    public synchronized String schemaById(int id) {
        String schema = idReferences.getOrDefault(id, 0) > 0 ? schemasById.get(id) : null;
        if (schema == null) {
            throw RegistryError.schemaNotFound(id);
        }
        return schema;
    }

    /** Every (subject, version) that uses global id {@code id}. */
    public synchronized List<SubjectVersion> versionsById(int id, boolean includeDeleted) {
        schemaById(id);
        List<SubjectVersion> result = new ArrayList<>();
        for (String subject : new TreeSet<>(subjects.keySet())) {
            for (SubjectVersion version : subjects.get(subject).values()) {
                if (version.id() == id && (includeDeleted || !version.deleted())) {
                    result.add(version);
                }
            }
        }
        return result;
    }

    /** Subject names, sorted; soft-deleted subjects only with {@code includeDeleted}. */
    public synchronized List<String> subjects(boolean includeDeleted) {
        List<String> result = new ArrayList<>();
        for (Map.Entry<String, NavigableMap<Integer, SubjectVersion>> entry : subjects.entrySet()) {
            boolean live = entry.getValue().values().stream().anyMatch(v -> !v.deleted());
            if (live || (includeDeleted && !entry.getValue().isEmpty())) {
                result.add(entry.getKey());
            }
        }
        result.sort(null);
        return result;
    }

    /** The version numbers of {@code subject}, ascending. */
    public synchronized List<Integer> versions(String subject, boolean includeDeleted) {
        return new ArrayList<>(visibleVersions(subject, includeDeleted).keySet());
    }

    /** One version: a number, {@code latest} or {@code -1}. */
    public synchronized SubjectVersion version(String subject, String versionSpec, boolean includeDeleted) {
        int requested = parseVersion(versionSpec);
        NavigableMap<Integer, SubjectVersion> versions = visibleVersions(subject, includeDeleted);
        if (requested == -1) {
            return versions.lastEntry().getValue();
        }
        SubjectVersion found = versions.get(requested);
        if (found == null) {
            throw RegistryError.versionNotFound(requested);
        }
        return found;
    }

    /** Versions of the subjects starting with {@code prefix}, by subject then version. */
    public synchronized List<SubjectVersion> listVersions(String prefix, boolean includeDeleted, boolean latestOnly) {
        List<SubjectVersion> result = new ArrayList<>();
        for (String subject : subjects(includeDeleted)) {
            if (subject.startsWith(prefix)) {
                NavigableMap<Integer, SubjectVersion> versions = visibleVersions(subject, includeDeleted);
                result.addAll(latestOnly ? List.of(versions.lastEntry().getValue()) : versions.values());
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- deletes

    /** Deletes every version of {@code subject} and returns their numbers. */
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        boolean anyLive = versions.values().stream().anyMatch(v -> !v.deleted());
        if (permanent && anyLive) {
            throw RegistryError.subjectNotSoftDeleted(subject);
        }
        if (!permanent && !anyLive) {
            throw RegistryError.subjectSoftDeleted(subject);
        }
        List<Integer> deleted = new ArrayList<>(versions.keySet());
        ObjectNode event = event("delete_subject");
        event.put("subject", subject);
        event.put("permanent", permanent);
        record(event);
        return deleted;
    }

    /** Deletes one version of {@code subject} and returns its number. */
    public synchronized int deleteVersion(String subject, String versionSpec, boolean permanent) {
        int requested = parseVersion(versionSpec);
        NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        SubjectVersion target;
        if (requested == -1) {
            NavigableMap<Integer, SubjectVersion> visible = visibleVersions(subject, permanent);
            target = visible.lastEntry().getValue();
        } else {
            target = versions.get(requested);
            if (target == null) {
                throw RegistryError.versionNotFound(requested);
            }
        }
        if (permanent && !target.deleted()) {
            throw RegistryError.versionNotSoftDeleted(subject, target.version());
        }
        if (!permanent && target.deleted()) {
            throw RegistryError.versionSoftDeleted(subject, target.version());
        }
        ObjectNode event = event("delete_version");
        event.put("subject", subject);
        event.put("version", target.version());
        event.put("permanent", permanent);
        record(event);
        return target.version();
    }

    // ---------------------------------------------------------------- compatibility

    /**
     * Whether {@code schemaText} could join {@code subject}: against one version when {@code
     * versionSpec} names one (or {@code latest}), else against the versions the level looks at.
     */
    public synchronized CompatibilityCheck testCompatibility(String subject, String versionSpec, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = effectiveLevel(subject);
        List<AvroCompatibilityChecker.Earlier> earlier;
        if (versionSpec == null) {
            earlier = earlierFor(subject);
        } else {
            int requested = parseVersion(versionSpec);
            NavigableMap<Integer, SubjectVersion> live = liveVersions(subject);
            if (live.isEmpty() && requested == -1) {
                // Nothing registered yet: any valid schema may become version 1.
                return new CompatibilityCheck(true, List.of());
            }
            SubjectVersion old = version(subject, versionSpec, false);
            earlier = List.of(new AvroCompatibilityChecker.Earlier(old.version(), parse(old.schema())));
        }
        List<String> problems = AvroCompatibilityChecker.incompatibilities(level, schema, earlier);
        return new CompatibilityCheck(problems.isEmpty(), problems);
    }

    // ---------------------------------------------------------------- config

    /** The global compatibility level. */
    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The level set on {@code subject}, falling back to the global one only if asked to. */
    public synchronized CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        CompatibilityLevel level = subjectLevels.get(subject);
        if (level != null) {
            return level;
        }
        if (defaultToGlobal) {
            return globalLevel;
        }
        throw RegistryError.subjectLevelCompatibilityNotConfigured(subject);
    }

    /** Sets the level of {@code subject}, or the global level when {@code subject} is null. */
    public synchronized CompatibilityLevel setLevel(String subject, String levelName) {
        CompatibilityLevel level = parseLevel(levelName);
        ObjectNode event = event("config");
        event.put("subject", subject);
        event.put("compatibility", level.name());
        record(event);
        return level;
    }

    /**
     * Removes the level of {@code subject} (or resets the global level to the default when
     * {@code subject} is null) and returns the level that was in force before.
     */
    public synchronized CompatibilityLevel deleteLevel(String subject) {
        CompatibilityLevel previous = subject == null ? globalLevel : subjectLevel(subject, false);
        ObjectNode event = event("config");
        event.put("subject", subject);
        event.putNull("compatibility");
        record(event);
        return previous;
    }

    public static CompatibilityLevel parseLevel(String levelName) {
        if (levelName != null) {
            for (CompatibilityLevel level : CompatibilityLevel.values()) {
                if (level.name().equals(levelName.toUpperCase(Locale.ROOT))) {
                    return level;
                }
            }
        }
        throw RegistryError.invalidCompatibilityLevel(levelName);
    }

    @Override
    public synchronized void close() {
        if (log != null) {
            log.close();
        }
    }

    // ---------------------------------------------------------------- events

    private ObjectNode event(String op) {
        ObjectNode event = mapper.createObjectNode();
        event.put("op", op);
        return event;
    }

    private void record(ObjectNode event) {
        if (log != null) {
            log.append(event);
        }
        apply(event);
    }

    private void apply(JsonNode event) {
        String op = event.path("op").asText();
        switch (op) {
            case "register" -> applyRegister(event);
            case "delete_subject" -> applyDeleteSubject(event);
            case "delete_version" -> applyDeleteVersion(event);
            case "config" -> applyConfig(event);
            default -> throw new IllegalStateException("unknown op '" + op + "'");
        }
    }

    private void applyRegister(JsonNode event) {
        String subject = required(event, "subject").asText();
        int version = required(event, "version").asInt();
        int id = required(event, "id").asInt();
        String schema = required(event, "schema").asText();
        subjects.computeIfAbsent(subject, s -> new TreeMap<>())
                .put(version, new SubjectVersion(subject, version, id, schema, false));
        idsByCanonicalSchema.putIfAbsent(schema, id);
        schemasById.putIfAbsent(id, schema);
        idReferences.merge(id, 1, Integer::sum);
        maxId = Math.max(maxId, id);
    }

    private void applyDeleteSubject(JsonNode event) {
        String subject = required(event, "subject").asText();
        boolean permanent = required(event, "permanent").asBoolean();
        NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions == null) {
            throw new IllegalStateException("subject '" + subject + "' does not exist");
        }
        for (Integer version : new ArrayList<>(versions.keySet())) {
            deleteOne(versions, versions.get(version), permanent);
        }
        if (permanent) {
            subjects.remove(subject);
            // Confluent drops a subject's own config with its permanent delete.
            subjectLevels.remove(subject);
        }
    }

    private void applyDeleteVersion(JsonNode event) {
        String subject = required(event, "subject").asText();
        int version = required(event, "version").asInt();
        boolean permanent = required(event, "permanent").asBoolean();
        NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
        SubjectVersion target = versions == null ? null : versions.get(version);
        if (target == null) {
            throw new IllegalStateException("subject '" + subject + "' has no version " + version);
        }
        deleteOne(versions, target, permanent);
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
    }

    private void deleteOne(NavigableMap<Integer, SubjectVersion> versions, SubjectVersion target, boolean permanent) {
        if (permanent) {
            versions.remove(target.version());
            idReferences.merge(target.id(), -1, Integer::sum);
        } else {
            versions.put(
                    target.version(),
                    new SubjectVersion(target.subject(), target.version(), target.id(), target.schema(), true));
        }
    }

    private void applyConfig(JsonNode event) {
        JsonNode subject = event.path("subject");
        JsonNode compatibility = event.path("compatibility");
        CompatibilityLevel level =
                compatibility.isTextual() ? CompatibilityLevel.valueOf(compatibility.asText()) : null;
        if (subject.isTextual()) {
            if (level == null) {
                subjectLevels.remove(subject.asText());
            } else {
                subjectLevels.put(subject.asText(), level);
            }
        } else {
            globalLevel = level == null ? defaultLevel : level;
        }
    }

    private static JsonNode required(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalStateException("missing field '" + field + "'");
        }
        return value;
    }

    // ---------------------------------------------------------------- helpers

    private CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** The live versions, newest first; the shared rule picks the ones the level looks at. */
    private List<AvroCompatibilityChecker.Earlier> earlierFor(String subject) {
        NavigableMap<Integer, SubjectVersion> live = liveVersions(subject);
        List<AvroCompatibilityChecker.Earlier> earlier = new ArrayList<>();
        for (SubjectVersion version : live.descendingMap().values()) {
            earlier.add(new AvroCompatibilityChecker.Earlier(version.version(), parse(version.schema())));
        }
        return earlier;
    }

    private NavigableMap<Integer, SubjectVersion> liveVersions(String subject) {
        NavigableMap<Integer, SubjectVersion> live = new TreeMap<>();
        NavigableMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions != null) {
            versions.forEach((number, version) -> {
                if (!version.deleted()) {
                    live.put(number, version);
                }
            });
        }
        return live;
    }

    /** The versions a read may see; a subject without any is "not found", as in Confluent. */
    private NavigableMap<Integer, SubjectVersion> visibleVersions(String subject, boolean includeDeleted) {
        NavigableMap<Integer, SubjectVersion> visible =
                includeDeleted ? subjects.getOrDefault(subject, new TreeMap<>()) : liveVersions(subject);
        if (visible.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return visible;
    }

    private static int parseVersion(String versionSpec) {
        if (LATEST.equals(versionSpec)) {
            return -1;
        }
        try {
            int version = Integer.parseInt(versionSpec);
            if (version == -1 || version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // reported below with Confluent's message
        }
        throw RegistryError.invalidVersion(versionSpec);
    }

    private static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryError.invalidSchema("the request has no \"schema\" field or it is empty");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        } catch (NullPointerException e) {
            // Avro 1.12 fails this way on a top-level reference to an undefined name.
            throw RegistryError.invalidSchema("the schema refers to a type that is not defined");
        }
    }
}
