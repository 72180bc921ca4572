package dev.streamingblocks.core.avro.testutils;

import dev.streamingblocks.core.avro.registry.RegisteredSchema;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** Counts the calls the serdes make, to prove they cache ids and schemas. */
public final class CountingRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    public final AtomicInteger registerCalls = new AtomicInteger();
    public final AtomicInteger lookupCalls = new AtomicInteger();
    public final AtomicInteger latestCalls = new AtomicInteger();
    public final AtomicInteger byIdCalls = new AtomicInteger();
    public final AtomicInteger closeCalls = new AtomicInteger();

    public CountingRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        registerCalls.incrementAndGet();
        return delegate.register(subject, schema);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        lookupCalls.incrementAndGet();
        return delegate.lookup(subject, schema);
    }

    @Override
    public Schema getSchemaById(int id) {
        byIdCalls.incrementAndGet();
        return delegate.getSchemaById(id);
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject) {
        latestCalls.incrementAndGet();
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
        return delegate.deleteSubject(subject, permanent);
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
    }
}
