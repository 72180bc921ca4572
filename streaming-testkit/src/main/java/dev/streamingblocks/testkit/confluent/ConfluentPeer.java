package dev.streamingblocks.testkit.confluent;

import dev.streamingblocks.testkit.confluent.internal.ChildFirstClassLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Flink's own Confluent-registry Avro schemas ({@code ConfluentRegistryAvroSerializationSchema} and
 * {@code ConfluentRegistryAvroDeserializationSchema}, with Confluent's registry client inside), as a
 * peer to compare our serdes against.
 *
 * <p>They ship in {@code flink-sql-avro-confluent-registry}, a fat jar that relocates Avro and
 * carries its own rewritten copies of flink-avro's {@code org.apache.flink.formats.avro} classes. On
 * one classpath with the real {@code flink-avro} one of the two copies breaks the other, so the peer
 * loads that jar in a child-first class loader and hands out only JDK types and Flink's
 * {@link SerializationSchema} / {@link DeserializationSchema} interfaces (from the caller's
 * flink-core). Records are the peer's shaded {@code GenericData.Record}s, typed {@code Object};
 * build them with {@link #newRecord} and read them with {@link #fields}.
 *
 * <pre>{@code
 * try (ConfluentPeer peer = ConfluentPeer.load()) {
 *     SerializationSchema<Object> out = peer.serializer("orders-value", orderSchemaJson, registryUrl);
 *     byte[] bytes = out.serialize(peer.newRecord(orderSchemaJson, Map.of("order_id", "ord-123", ...)));
 *     Object back = peer.deserializer(orderSchemaJson, registryUrl).deserialize(bytes);
 *     Map<String, Object> fields = peer.fields(back); // strings come back as String
 * }
 * }</pre>
 *
 * <p>Requires {@code org.apache.flink:flink-sql-avro-confluent-registry} as a test-scope dependency
 * declared after {@code flink-avro} (so flink-avro wins on the normal classpath), or that jar
 * embedded as the resource {@value #EMBEDDED_JAR_RESOURCE} (how a shaded benchmark jar carries it),
 * or an explicit path given to {@link #load(Path)}; and flink-core on the caller's classpath.
 */
public final class ConfluentPeer implements AutoCloseable {

    /** Packages taken from the peer's jar even where the caller's classpath has the same names. */
    public static final List<String> CHILD_FIRST_PREFIXES =
            List.of("org.apache.flink.formats.avro.", "org.apache.flink.avro.");

    /** Where a shaded jar may embed the peer's jar, unexpanded, so its classes do not collide. */
    public static final String EMBEDDED_JAR_RESOURCE =
            "META-INF/streaming-blocks/flink-sql-avro-confluent-registry.jar";

    /** A class only the peer's jar has; its resource URL names that jar. */
    static final String MARKER_RESOURCE =
            "org/apache/flink/formats/avro/registry/confluent/ConfluentRegistryAvroSerializationSchema.class";

    private static final String SHADED_AVRO = "org.apache.flink.avro.shaded.org.apache.avro.";
    private static final String CONFLUENT_FORMAT = "org.apache.flink.formats.avro.registry.confluent.";

    private final ChildFirstClassLoader loader;
    private final URL jar;
    private final ConcurrentHashMap<String, Object> parsedSchemas = new ConcurrentHashMap<>();

    private final Class<?> schemaClass;
    private final Constructor<?> parserConstructor;
    private final Method parse;
    private final Method schemaGetType;
    private final Method schemaGetFields;
    private final Method schemaGetFullName;
    private final Method fieldName;
    private final Method fieldSchema;
    private final Constructor<?> recordBuilderConstructor;
    private final Method recordBuilderSet;
    private final Method recordBuilderBuild;
    private final Constructor<?> enumSymbolConstructor;
    private final Class<?> genericRecordClass;
    private final Method recordGetSchema;
    private final Method recordGet;
    private final Class<?> enumSymbolClass;
    private final Class<?> fixedClass;
    private final Method fixedBytes;
    private final Method serializerFactory;
    private final Method deserializerFactory;

    private ConfluentPeer(URL jar, ClassLoader parent) {
        this.jar = jar;
        this.loader = new ChildFirstClassLoader(jar, parent, CHILD_FIRST_PREFIXES);
        try {
            schemaClass = loader.loadClass(SHADED_AVRO + "Schema");
            Class<?> parserClass = loader.loadClass(SHADED_AVRO + "Schema$Parser");
            parserConstructor = parserClass.getConstructor();
            parse = parserClass.getMethod("parse", String.class);
            schemaGetType = schemaClass.getMethod("getType");
            schemaGetFields = schemaClass.getMethod("getFields");
            schemaGetFullName = schemaClass.getMethod("getFullName");
            Class<?> fieldClass = loader.loadClass(SHADED_AVRO + "Schema$Field");
            fieldName = fieldClass.getMethod("name");
            fieldSchema = fieldClass.getMethod("schema");
            Class<?> builderClass = loader.loadClass(SHADED_AVRO + "generic.GenericRecordBuilder");
            recordBuilderConstructor = builderClass.getConstructor(schemaClass);
            recordBuilderSet = builderClass.getMethod("set", String.class, Object.class);
            recordBuilderBuild = builderClass.getMethod("build");
            enumSymbolConstructor = loader.loadClass(SHADED_AVRO + "generic.GenericData$EnumSymbol")
                    .getConstructor(schemaClass, String.class);
            genericRecordClass = loader.loadClass(SHADED_AVRO + "generic.GenericRecord");
            recordGetSchema = genericRecordClass.getMethod("getSchema");
            recordGet = genericRecordClass.getMethod("get", String.class);
            enumSymbolClass = loader.loadClass(SHADED_AVRO + "generic.GenericEnumSymbol");
            fixedClass = loader.loadClass(SHADED_AVRO + "generic.GenericFixed");
            fixedBytes = fixedClass.getMethod("bytes");
            serializerFactory = loader.loadClass(CONFLUENT_FORMAT + "ConfluentRegistryAvroSerializationSchema")
                    .getMethod("forGeneric", String.class, schemaClass, String.class, Map.class);
            deserializerFactory = loader.loadClass(CONFLUENT_FORMAT + "ConfluentRegistryAvroDeserializationSchema")
                    .getMethod("forGeneric", schemaClass, String.class, Map.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            closeQuietly();
            throw new IllegalStateException(
                    "Cannot load Flink's Confluent-registry Avro schemas from " + jar
                            + "; is it org.apache.flink:flink-sql-avro-confluent-registry 2.x?",
                    e);
        }
    }

    /**
     * Finds the peer's jar on the classpath of this class (see the class Javadoc) and loads it.
     *
     * @throws IllegalStateException when the jar is on neither path
     */
    public static ConfluentPeer load() {
        ClassLoader parent = parentLoader();
        return load(parent, parent);
    }

    /** Finds the jar among {@code searched}'s resources; the peer's parent loader is {@code parent}. */
    static ConfluentPeer load(ClassLoader searched, ClassLoader parent) {
        URL marker = searched.getResource(MARKER_RESOURCE);
        if (marker != null) {
            return new ConfluentPeer(enclosingJar(marker), parent);
        }
        URL embedded = searched.getResource(EMBEDDED_JAR_RESOURCE);
        if (embedded != null) {
            return new ConfluentPeer(extract(embedded), parent);
        }
        throw new IllegalStateException("flink-sql-avro-confluent-registry is not on the classpath: found neither "
                + MARKER_RESOURCE + " nor " + EMBEDDED_JAR_RESOURCE
                + "; add org.apache.flink:flink-sql-avro-confluent-registry as a test dependency"
                + " after flink-avro");
    }

    /** Loads the peer from an explicit jar file. */
    public static ConfluentPeer load(Path jarFile) {
        requireArgument(jarFile != null, "jarFile must not be null");
        requireArgument(Files.isRegularFile(jarFile), "jarFile " + jarFile + " is not a file");
        try {
            return new ConfluentPeer(jarFile.toUri().toURL(), parentLoader());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jarFile " + jarFile + " has no URL form", e);
        }
    }

    /** The jar the peer's classes come from. */
    public URL jar() {
        return jar;
    }

    /** The child-first loader holding the peer's classes. */
    public ClassLoader classLoader() {
        return loader;
    }

    /**
     * Flink's {@code ConfluentRegistryAvroSerializationSchema.forGeneric(subject, schema, url)}:
     * registers {@code schemaJson} under {@code subject} on first use and writes magic byte 0, the
     * 4-byte schema id and the Avro binary body. Takes records from {@link #newRecord}.
     */
    public SerializationSchema<Object> serializer(String subject, String schemaJson, String registryUrl) {
        return serializer(subject, schemaJson, registryUrl, Map.of());
    }

    /**
     * As {@link #serializer(String, String, String)}, with Confluent client properties (e.g.
     * {@code basic.auth.credentials.source}) passed to Confluent's registry client unchanged.
     */
    @SuppressWarnings("unchecked")
    public SerializationSchema<Object> serializer(
            String subject, String schemaJson, String registryUrl, Map<String, ?> registryConfigs) {
        requireText(subject, "subject");
        requireText(registryUrl, "registryUrl");
        requireArgument(registryConfigs != null, "registryConfigs must not be null");
        Object schema = schema(schemaJson, "schemaJson");
        return (SerializationSchema<Object>)
                invoke(serializerFactory, null, subject, schema, registryUrl, registryConfigs);
    }

    /**
     * Flink's {@code ConfluentRegistryAvroDeserializationSchema.forGeneric(readerSchema, url)}:
     * looks the writer schema up by the id in each message and resolves it to {@code
     * readerSchemaJson}. Returns the peer's shaded records; read them with {@link #fields}.
     */
    public DeserializationSchema<Object> deserializer(String readerSchemaJson, String registryUrl) {
        return deserializer(readerSchemaJson, registryUrl, Map.of());
    }

    /** As {@link #deserializer(String, String)}, with Confluent client properties. */
    @SuppressWarnings("unchecked")
    public DeserializationSchema<Object> deserializer(
            String readerSchemaJson, String registryUrl, Map<String, ?> registryConfigs) {
        requireText(registryUrl, "registryUrl");
        requireArgument(registryConfigs != null, "registryConfigs must not be null");
        Object schema = schema(readerSchemaJson, "readerSchemaJson");
        return (DeserializationSchema<Object>) invoke(deserializerFactory, null, schema, registryUrl, registryConfigs);
    }

    /**
     * A shaded {@code GenericData.Record} of record schema {@code schemaJson}. Fields left out take
     * their schema default. Values go in as they are, except that a {@code Map} for a record-typed
     * field becomes a nested record and a {@code String} for an enum-typed field becomes an enum
     * symbol. Reflective: build records once, outside any measured loop.
     *
     * @throws IllegalArgumentException naming the field when a field is unknown, has no value and
     *     no default, or the schema is not a record
     */
    public Object newRecord(String schemaJson, Map<String, ?> fields) {
        requireArgument(fields != null, "fields must not be null");
        return newRecord(schema(schemaJson, "schemaJson"), fields);
    }

    /**
     * The fields of a shaded record (from {@link #newRecord} or a peer deserializer) in schema
     * order, as JDK types: strings as {@code String}, nested records as maps, enum symbols as their
     * name, fixed as {@code byte[]}, arrays as lists. Nulls stay null.
     *
     * @throws IllegalArgumentException when {@code record} is not one of the peer's records
     */
    public Map<String, Object> fields(Object record) {
        requireArgument(
                genericRecordClass.isInstance(record),
                "record must be a " + genericRecordClass.getName() + " of the peer's shaded Avro, but is "
                        + (record == null ? "null" : record.getClass().getName()));
        Object schema = invoke(recordGetSchema, record);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object field : (List<?>) invoke(schemaGetFields, schema)) {
            String name = (String) invoke(fieldName, field);
            out.put(name, toJdk(invoke(recordGet, record, name)));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Closes the peer's class loader; serdes obtained from it must not be used afterwards. */
    @Override
    public void close() {
        closeQuietly();
    }

    private Object newRecord(Object schema, Map<String, ?> fields) {
        String schemaName = (String) invoke(schemaGetFullName, schema);
        requireArgument(
                "RECORD".equals(invoke(schemaGetType, schema).toString()),
                "schema " + schemaName + " is not a record schema");
        Map<String, Object> fieldSchemas = new LinkedHashMap<>();
        for (Object field : (List<?>) invoke(schemaGetFields, schema)) {
            fieldSchemas.put((String) invoke(fieldName, field), invoke(fieldSchema, field));
        }
        for (String name : fields.keySet()) {
            requireArgument(
                    fieldSchemas.containsKey(name),
                    "field '" + name + "' is not in schema " + schemaName + " (fields: " + fieldSchemas.keySet() + ")");
        }
        Object builder = newInstance(recordBuilderConstructor, schema);
        for (Map.Entry<String, ?> entry : fields.entrySet()) {
            Object value = toShaded(fieldSchemas.get(entry.getKey()), entry.getValue());
            invoke(recordBuilderSet, builder, entry.getKey(), value);
        }
        try {
            return recordBuilderBuild.invoke(builder);
        } catch (InvocationTargetException e) {
            // e.g. "Field quantity type:INT pos:3 not set and has no default value"
            throw new IllegalArgumentException(
                    "cannot build a record of schema " + schemaName + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object toShaded(Object fieldSchema, Object value) {
        String type = invoke(schemaGetType, fieldSchema).toString();
        if ("RECORD".equals(type) && value instanceof Map<?, ?> nested) {
            @SuppressWarnings("unchecked")
            Map<String, ?> nestedFields = (Map<String, ?>) nested;
            return newRecord(fieldSchema, nestedFields);
        }
        if ("ENUM".equals(type) && value instanceof String symbol) {
            return newInstance(enumSymbolConstructor, fieldSchema, symbol);
        }
        return value;
    }

    private Object toJdk(Object value) {
        if (value == null || value instanceof String) {
            return value;
        }
        if (value instanceof CharSequence chars) {
            return chars.toString(); // the shaded Utf8
        }
        if (genericRecordClass.isInstance(value)) {
            return fields(value);
        }
        if (enumSymbolClass.isInstance(value)) {
            return value.toString();
        }
        if (fixedClass.isInstance(value)) {
            return ((byte[]) invoke(fixedBytes, value)).clone();
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            for (Object item : items) {
                out.add(toJdk(item));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.put(entry.getKey().toString(), toJdk(entry.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }
        return value; // boxed primitives
    }

    private Object schema(String json, String parameter) {
        requireText(json, parameter);
        return parsedSchemas.computeIfAbsent(json, text -> {
            try {
                return parse.invoke(parserConstructor.newInstance(), text);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException(
                        parameter + " is not a valid Avro schema: "
                                + e.getCause().getMessage(),
                        e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Object invoke(Method method, Object target, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(method.getName() + " failed: " + cause.getMessage(), cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object newInstance(Constructor<?> constructor, Object... args) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw new IllegalArgumentException(runtime.getMessage(), runtime);
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClassLoader parentLoader() {
        ClassLoader own = ConfluentPeer.class.getClassLoader();
        return own != null ? own : ClassLoader.getSystemClassLoader();
    }

    private static URL enclosingJar(URL marker) {
        try {
            if ("jar".equals(marker.getProtocol())) {
                return ((JarURLConnection) marker.openConnection()).getJarFileURL();
            }
            // an exploded classes directory: its root is the marker's path minus the resource name
            String spec = marker.toExternalForm();
            return new URL(spec.substring(0, spec.length() - MARKER_RESOURCE.length()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot locate the jar holding " + marker, e);
        }
    }

    private static URL extract(URL embedded) {
        try (InputStream in = embedded.openStream()) {
            Path file = Files.createTempFile("flink-sql-avro-confluent-registry-", ".jar");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file.toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + EMBEDDED_JAR_RESOURCE + " to a temporary file", e);
        }
    }

    private void closeQuietly() {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing is left to release that a failed close could keep
        }
    }

    private static void requireText(String value, String parameter) {
        requireArgument(value != null && !value.isBlank(), parameter + " must not be null or blank");
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
