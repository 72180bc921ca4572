package dev.streamingblocks.core.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachingSchemaRegistryClientTest {

    static final Schema V1 = InMemorySchemaRegistryClientTest.V1;
    static final Schema V2 = InMemorySchemaRegistryClientTest.V2;

    private RegistryServerFixture server;

    @BeforeEach
    void startServer() throws IOException {
        server = RegistryServerFixture.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void steadyStateMakesNoHttpCalls() throws Exception {
        try (SchemaRegistryClient client = SchemaRegistryClients.create(Map.of("schema.registry.url", server.url()))) {
            int id1 = client.register("orders-value", V1);
            int id2 = client.register("orders-value", V2);
            RegisteredSchema found = client.lookup("orders-value", V1);
            assertThat(found).isEqualTo(new RegisteredSchema("orders-value", id1, 1, V1));
            assertThat(client.lookup("orders-value", V2).version()).isEqualTo(2);
            // register x2 + lookup x2; getSchemaById is answered from what registration learnt.
            assertThat(server.requestCount()).isEqualTo(4);

            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Boolean>> tasks = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    tasks.add(() -> client.register("orders-value", V1) == id1
                            && client.register("orders-value", V2) == id2
                            && client.getSchemaById(id1).equals(V1)
                            && client.getSchemaById(id2).equals(V2)
                            && client.lookup("orders-value", V1).equals(found)
                            && client.lookup("orders-value", V2).version() == 2);
                }
                for (Future<Boolean> f : pool.invokeAll(tasks)) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(server.requestCount()).isEqualTo(4);
        }
    }

    @Test
    void aSchemaFetchedByIdIsCachedAndChangingAnswersAreNot() {
        int id = server.registry().register("orders-value", V1);
        try (SchemaRegistryClient client = SchemaRegistryClients.create(Map.of("schema.registry.url", server.url()))) {
            assertThat(client.getSchemaById(id)).isEqualTo(V1);
            assertThat(client.getSchemaById(id)).isEqualTo(V1);
            assertThat(server.requestCount()).isEqualTo(1);

            assertThat(client.getLatestVersion("orders-value").version()).isEqualTo(1);
            server.registry().register("orders-value", V2);
            assertThat(client.getLatestVersion("orders-value").version()).isEqualTo(2);
            assertThat(client.getVersions("orders-value")).containsExactly(1, 2);
            assertThat(server.requestCount()).isEqualTo(4);
        }
    }

    @Test
    void missesAreNotCached() {
        try (SchemaRegistryClient client = SchemaRegistryClients.create(Map.of("schema.registry.url", server.url()))) {
            assertThatThrownBy(() -> client.getSchemaById(1)).isInstanceOf(SchemaNotFoundException.class);
            server.registry().register("orders-value", V1);
            assertThat(client.getSchemaById(1)).isEqualTo(V1);
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void cachesAreBoundedPerSubjectEvictingTheOldest() {
        List<Schema> schemas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            schemas.add(SchemaBuilder.record("R" + i).fields().requiredInt("f").endRecord());
        }
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        registry.setCompatibility(null, CompatibilityLevel.NONE);
        CountingClient counting = new CountingClient(registry);
        try (CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(counting, 2)) {
            for (Schema s : schemas) {
                client.register("s", s);
            }
            assertThat(counting.calls).isEqualTo(3);
            client.register("s", schemas.get(1));
            client.register("s", schemas.get(2));
            assertThat(counting.calls).isEqualTo(3);
            // The oldest entry was evicted, so it costs a call again.
            client.register("s", schemas.get(0));
            assertThat(counting.calls).isEqualTo(4);
            // Another subject has its own bound.
            client.register("t", schemas.get(2));
            assertThat(counting.calls).isEqualTo(5);
            client.register("s", schemas.get(2));
            assertThat(counting.calls).isEqualTo(5);
        }
    }

    @Test
    void deletingASubjectDropsItsCachedEntries() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        CountingClient counting = new CountingClient(registry);
        try (CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(counting)) {
            int id = client.register("orders-value", V1);
            client.lookup("orders-value", V1);
            assertThat(counting.calls).isEqualTo(2);
            client.deleteSubject("orders-value", false);
            assertThatThrownBy(() -> client.lookup("orders-value", V1)).isInstanceOf(SubjectNotFoundException.class);
            assertThat(client.register("orders-value", V1)).isEqualTo(id);
            assertThat(client.getVersions("orders-value")).containsExactly(2);
            // Ids stay resolvable after a delete, so the id cache is kept.
            assertThat(client.getSchemaById(id)).isEqualTo(V1);
            assertThat(counting.calls).isEqualTo(6);
        }
        assertThatThrownBy(() -> new CachingSchemaRegistryClient(registry, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max.schemas.per.subject must be >= 1, got 0");
    }

    /** Counts delegate calls: a stand-in for a request counter when no server is involved. */
    private static final class CountingClient implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        int calls;

        CountingClient(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            calls++;
            return delegate.register(subject, schema);
        }

        @Override
        public RegisteredSchema lookup(String subject, Schema schema) {
            calls++;
            return delegate.lookup(subject, schema);
        }

        @Override
        public Schema getSchemaById(int id) {
            calls++;
            return delegate.getSchemaById(id);
        }

        @Override
        public RegisteredSchema getLatestVersion(String subject) {
            calls++;
            return delegate.getLatestVersion(subject);
        }

        @Override
        public RegisteredSchema getVersion(String subject, int version) {
            calls++;
            return delegate.getVersion(subject, version);
        }

        @Override
        public List<Integer> getVersions(String subject) {
            calls++;
            return delegate.getVersions(subject);
        }

        @Override
        public List<String> getSubjects() {
            calls++;
            return delegate.getSubjects();
        }

        @Override
        public boolean testCompatibility(String subject, Schema schema) {
            calls++;
            return delegate.testCompatibility(subject, schema);
        }

        @Override
        public CompatibilityLevel getCompatibility(String subject) {
            calls++;
            return delegate.getCompatibility(subject);
        }

        @Override
        public void setCompatibility(String subject, CompatibilityLevel level) {
            calls++;
            delegate.setCompatibility(subject, level);
        }

        @Override
        public List<Integer> deleteSubject(String subject, boolean permanent) {
            calls++;
            return delegate.deleteSubject(subject, permanent);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
