package dev.streamingblocks.testkit.registry;

import static dev.streamingblocks.testkit.registry.RegistryHttp.error;
import static dev.streamingblocks.testkit.registry.RegistryHttp.tree;
import static dev.streamingblocks.testkit.registry.TestSchemas.ID;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_V1;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_WITH_CURRENCY;
import static dev.streamingblocks.testkit.registry.TestSchemas.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.testkit.registry.RegistryHttp.Reply;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Start, stop, ports, basic auth, global config and concurrency, each on its own registry. */
class EmbeddedSchemaRegistryLifecycleITCase {

    @Test
    void startsOnLoopbackAndClosesIdempotently() {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().build();
        assertThatThrownBy(registry::url)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedSchemaRegistry is not started");
        assertThatThrownBy(registry::requestCount)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedSchemaRegistry is not running");

        registry.start();
        String url = registry.url();
        assertThat(url).isEqualTo("http://127.0.0.1:" + registry.port());
        assertThat(registry.port()).isPositive();
        assertThat(new RegistryHttp(url).get("/").status()).isEqualTo(200);
        assertThat(registry.requestCount()).isEqualTo(1);
        assertThatThrownBy(registry::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedSchemaRegistry is already started at " + url);

        registry.close();
        registry.close();

        assertThatThrownBy(() -> new RegistryHttp(url).get("/")).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(registry::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedSchemaRegistry was closed; build a new one");
        assertThat(registry.toString()).contains("url=not serving");
    }

    @Test
    void listensOnTheRequestedPort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (EmbeddedSchemaRegistry registry =
                EmbeddedSchemaRegistry.builder().setPort(port).build()) {
            registry.start();
            assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(new RegistryHttp(registry.url()).get("/mode").body())
                    .isEqualTo(tree("{\"mode\":\"READWRITE\"}"));

            EmbeddedSchemaRegistry clash =
                    EmbeddedSchemaRegistry.builder().setPort(port).build();
            assertThatThrownBy(clash::start)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("EmbeddedSchemaRegistry cannot listen on 127.0.0.1:" + port);
            clash.close();
        }
    }

    @Test
    void basicAuthGuardsEveryRequest() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .setBasicAuth("flink", "top-s3cret")
                .build()) {
            registry.start();
            RegistryHttp anonymous = new RegistryHttp(registry.url());
            RegistryHttp wrong = anonymous.withBasicAuth("flink", "guess");
            RegistryHttp right = anonymous.withBasicAuth("flink", "top-s3cret");

            for (RegistryHttp denied : List.of(anonymous, wrong)) {
                for (Reply reply :
                        List.of(denied.get("/subjects"), denied.register("auth-value", ORDER_V1), denied.get("/"))) {
                    assertThat(reply.status()).isEqualTo(401);
                    assertThat(reply.body()).isEqualTo(error(401, "Unauthorized"));
                }
            }
            assertThat(right.get("/subjects").body()).isEqualTo(tree("[]"));
            assertThat(right.register("auth-value", ORDER_V1).status()).isEqualTo(200);
            assertThat(right.get("/subjects").body()).isEqualTo(tree("[\"auth-value\"]"));

            assertThat(registry.toString())
                    .isEqualTo("EmbeddedSchemaRegistry{url=" + registry.url()
                            + ", storageFile=in memory, defaultCompatibility=BACKWARD, basicAuth=on}")
                    .doesNotContain("top-s3cret");
        }
    }

    @Test
    void globalConfigStartsAtTheBuildersDefaultAndCanBeChangedAndReset() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .setDefaultCompatibility(CompatibilityLevel.NONE)
                .build()) {
            registry.start();
            RegistryHttp http = new RegistryHttp(registry.url());
            assertThat(http.get("/config").body()).isEqualTo(tree("{\"compatibilityLevel\":\"NONE\"}"));
            http.register("global-value", ORDER_V1);
            assertThat(http.register("global-value", ORDER_WITH_CURRENCY).status())
                    .isEqualTo(200);

            Reply put = http.put("/config", "{\"compatibility\":\"FULL\"}");
            assertThat(put.status()).isEqualTo(200);
            assertThat(put.body()).isEqualTo(tree("{\"compatibility\":\"FULL\"}"));
            assertThat(http.get("/config").body()).isEqualTo(tree("{\"compatibilityLevel\":\"FULL\"}"));
            assertThat(http.get("/config/global-value?defaultToGlobal=true").body())
                    .isEqualTo(tree("{\"compatibilityLevel\":\"FULL\"}"));
            // FULL now rejects a new field without a default, which NONE let through above.
            assertThat(http.register("global-value", order(ID + ",{\"name\":\"x\",\"type\":\"int\"}"))
                            .status())
                    .isEqualTo(409);

            Reply invalid = http.put("/config", "{\"compatibility\":null}");
            assertThat(invalid.status()).isEqualTo(422);
            assertThat(invalid.body().get("error_code").asInt()).isEqualTo(42203);

            Reply reset = http.delete("/config");
            assertThat(reset.status()).isEqualTo(200);
            assertThat(reset.body()).isEqualTo(tree("{\"compatibilityLevel\":\"FULL\"}"));
            assertThat(http.get("/config").body()).isEqualTo(tree("{\"compatibilityLevel\":\"NONE\"}"));
        }
    }

    @Test
    void concurrentRegistrationsGetDistinctVersionsAndIds() throws Exception {
        int threads = 6;
        int perThread = 10;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .setDefaultCompatibility(CompatibilityLevel.NONE)
                .build()) {
            registry.start();
            RegistryHttp http = new RegistryHttp(registry.url());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<Integer>>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    Callable<List<Integer>> work = () -> {
                        go.await();
                        List<Integer> ids = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            String schema = order(ID + ",{\"name\":\"f_" + thread + "_" + i + "\",\"type\":\"int\"}");
                            Reply reply = http.register("concurrent-value", schema);
                            assertThat(reply.status()).isEqualTo(200);
                            ids.add(reply.body().get("id").asInt());
                            // Everyone also registers one shared schema: it must get a single id.
                            ids.add(-http.register("concurrent-shared", ORDER_V1)
                                    .body()
                                    .get("id")
                                    .asInt());
                        }
                        return ids;
                    };
                    results.add(pool.submit(work));
                }
                go.countDown();
                Set<Integer> distinct = new HashSet<>();
                Set<Integer> shared = new HashSet<>();
                for (Future<List<Integer>> result : results) {
                    for (int id : result.get(30, TimeUnit.SECONDS)) {
                        if (id < 0) {
                            shared.add(-id);
                        } else {
                            assertThat(distinct.add(id))
                                    .as("id %d given twice", id)
                                    .isTrue();
                        }
                    }
                }
                assertThat(distinct).hasSize(threads * perThread);
                assertThat(shared).hasSize(1);
                assertThat(distinct).doesNotContainAnyElementsOf(shared);

                List<Integer> expectedVersions = new ArrayList<>();
                for (int v = 1; v <= threads * perThread; v++) {
                    expectedVersions.add(v);
                }
                assertThat(http.get("/subjects/concurrent-value/versions").body())
                        .isEqualTo(RegistryHttp.MAPPER.valueToTree(expectedVersions));
                assertThat(http.get("/subjects/concurrent-shared/versions").body())
                        .isEqualTo(tree("[1]"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void rejectsInvalidFaultInjection() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().build()) {
            assertThatThrownBy(() -> registry.failNextRequests(1, 503))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("EmbeddedSchemaRegistry is not running");
            registry.start();
            assertThatThrownBy(() -> registry.failNextRequests(-1, 503))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("count must not be negative, was -1");
            assertThatThrownBy(() -> registry.failNextRequests(1, 200))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("httpStatus must be an error status between 400 and 599, was 200");
        }
    }
}
