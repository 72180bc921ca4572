package dev.streamingblocks.core.avro;

import static dev.streamingblocks.core.avro.testutils.TestOrders.ORDER_V2;
import static dev.streamingblocks.core.avro.testutils.TestOrders.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.core.avro.testutils.CountingRegistryClient;
import dev.streamingblocks.core.avro.testutils.SharedRegistries;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.RuntimeContextInitializationContextAdapters;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A MiniCluster job (parallelism 2, generic types disabled) that encodes Orders with the
 * serialization schema, shuffles the bytes and decodes them with the deserialization schema.
 */
class AvroRegistrySchemasITCase {

    private static final int RECORDS = 20;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        // The point of the test: the job must not fall back to Kryo anywhere.
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled())
                .isTrue();
        return env;
    }

    @Test
    void specificOrdersSurviveAnEncodeShuffleDecodeJob() throws Exception {
        String name = getClass().getName() + "#specific";
        CountingRegistryClient registry = SharedRegistries.create(name);
        Map<String, String> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry.invalid");
        List<Order> input = IntStream.range(0, RECORDS).mapToObj(i -> order(i)).collect(Collectors.toList());
        AvroRegistrySerializationSchema<Order> writer = AvroRegistrySerializationSchema.forSpecific(
                Order.class, "it-orders-specific", config, SharedRegistries.provider(name));
        AvroRegistryDeserializationSchema<Order> reader =
                AvroRegistryDeserializationSchema.forSpecific(Order.class, config, SharedRegistries.provider(name));

        List<Order> output = env().fromData(input, new AvroTypeInfo<>(Order.class))
                .map(new Encode<>(writer))
                .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .rebalance()
                .map(new Decode<>(reader))
                .returns(reader.getProducedType())
                .executeAndCollect(RECORDS + 1);

        List<Order> sorted = new ArrayList<>(output);
        sorted.sort(Comparator.comparing(
                Order::getOrderId, Comparator.comparingInt(id -> Integer.parseInt(id.substring(4)))));
        assertThat(sorted).isEqualTo(input);
        assertThat(registry.getSubjects()).containsExactly("it-orders-specific-value");
    }

    @Test
    void genericReaderOfANewerSchemaFillsTheDefaultInsideAJob() throws Exception {
        String name = getClass().getName() + "#generic";
        SharedRegistries.create(name);
        Map<String, String> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry.invalid");
        List<Order> input = IntStream.range(0, RECORDS).mapToObj(i -> order(i)).collect(Collectors.toList());
        AvroRegistrySerializationSchema<Order> writer = AvroRegistrySerializationSchema.forSpecific(
                Order.class, "it-orders-generic", config, SharedRegistries.provider(name));
        AvroRegistryDeserializationSchema<GenericRecord> reader =
                AvroRegistryDeserializationSchema.forGeneric(ORDER_V2, config, SharedRegistries.provider(name));

        List<GenericRecord> output = env().fromData(input, new AvroTypeInfo<>(Order.class))
                .map(new Encode<>(writer))
                .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .rebalance()
                .map(new Decode<>(reader))
                .returns(reader.getProducedType())
                .executeAndCollect(RECORDS + 1);

        assertThat(output).hasSize(RECORDS);
        assertThat(output)
                .allSatisfy(r -> assertThat(r.get("currency").toString()).isEqualTo("EUR"));
        assertThat(output.stream().map(r -> r.get("order_id").toString()).sorted())
                .containsExactlyElementsOf(
                        input.stream().map(Order::getOrderId).sorted().collect(Collectors.toList()));
    }

    @Test
    void theMapOnlyFactoriesReachARealRegistryFromTheTaskManagers() throws Exception {
        Map<String, String> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        List<Order> input = IntStream.range(0, RECORDS).mapToObj(i -> order(i)).collect(Collectors.toList());
        AvroRegistrySerializationSchema<Order> writer =
                AvroRegistrySerializationSchema.forSpecific(Order.class, "it-orders-http", config);
        AvroRegistryDeserializationSchema<Order> reader =
                AvroRegistryDeserializationSchema.forSpecific(Order.class, config);

        List<Order> output = env().fromData(input, new AvroTypeInfo<>(Order.class))
                .map(new Encode<>(writer))
                .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .rebalance()
                .map(new Decode<>(reader))
                .returns(reader.getProducedType())
                .executeAndCollect(RECORDS + 1);

        assertThat(output).containsExactlyInAnyOrderElementsOf(input);
    }

    /** Encodes with a serialization schema opened like a Flink connector would. */
    private static final class Encode<T> extends RichMapFunction<T, byte[]> {
        private static final long serialVersionUID = 1L;
        private final AvroRegistrySerializationSchema<T> schema;

        Encode(AvroRegistrySerializationSchema<T> schema) {
            this.schema = schema;
        }

        @Override
        public void open(OpenContext openContext) {
            schema.open(RuntimeContextInitializationContextAdapters.serializationAdapter(getRuntimeContext()));
        }

        @Override
        public byte[] map(T value) {
            return schema.serialize(value);
        }
    }

    /** Decodes with a deserialization schema opened like a Flink connector would. */
    private static final class Decode<T> extends RichMapFunction<byte[], T> {
        private static final long serialVersionUID = 1L;
        private final AvroRegistryDeserializationSchema<T> schema;

        Decode(AvroRegistryDeserializationSchema<T> schema) {
            this.schema = schema;
        }

        @Override
        public void open(OpenContext openContext) {
            schema.open(RuntimeContextInitializationContextAdapters.deserializationAdapter(getRuntimeContext()));
        }

        @Override
        public T map(byte[] value) throws Exception {
            return schema.deserialize(value);
        }
    }
}
