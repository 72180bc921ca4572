package dev.streamingblocks.kafka.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout;
import dev.streamingblocks.kafka.sink.UpsertJsonLayout.ColumnType;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct writer against Flink's own JSON row serializer: the same bytes for every row, whether
 * the row is written directly or falls back (control characters, quotes, surrogates, NaN, years
 * outside 0-9999, a field name Jackson escapes).
 */
class RowJsonSerializationSchemaTest {

    private static final ColumnType[] TYPES = {
        ColumnType.STRING,
        ColumnType.BOOLEAN,
        ColumnType.INT,
        ColumnType.BIGINT,
        ColumnType.DOUBLE,
        ColumnType.TIMESTAMP_3,
        ColumnType.TIMESTAMP_LTZ_3
    };

    @Test
    void theArticlesOrderStatsRowIsWrittenAsFlinkSqlWritesIt() {
        RowJsonSerializationSchema<Object[]> value = schema(
                new String[] {"window_start", "window_end", "product_id", "order_count", "total_revenue"},
                new ColumnType[] {
                    ColumnType.TIMESTAMP_3,
                    ColumnType.TIMESTAMP_3,
                    ColumnType.STRING,
                    ColumnType.BIGINT,
                    ColumnType.DOUBLE
                });
        Object[] row = {
            LocalDateTime.parse("2026-02-06T12:00:00"),
            LocalDateTime.parse("2026-02-06T12:01:00"),
            "product-7",
            21L,
            1234.5
        };

        assertThat(new String(value.serialize(row), StandardCharsets.UTF_8))
                .isEqualTo("{\"window_start\":\"2026-02-06 12:00:00\",\"window_end\":\"2026-02-06 12:01:00\","
                        + "\"product_id\":\"product-7\",\"order_count\":21,\"total_revenue\":1234.5}");
        assertThat(value.serialize(row)).isEqualTo(value.serializeWithFlink(row));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 4L, 5L})
    void randomRowsGiveFlinksBytes(long seed) {
        Random random = new Random(seed);
        String[] names = new String[TYPES.length * 2];
        ColumnType[] types = new ColumnType[names.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = "c" + i + (i % 3 == 0 ? "_é" : "");
            types[i] = TYPES[i % TYPES.length];
        }
        RowJsonSerializationSchema<Object[]> schema = schema(names, types);
        for (int n = 0; n < 3000; n++) {
            Object[] row = new Object[types.length];
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextInt(12) == 0 ? null : value(types[i], random);
            }
            assertSameBytes(schema, row);
        }
    }

    @Test
    void aFieldNameJacksonEscapesSendsEveryRowThroughFlink() {
        RowJsonSerializationSchema<Object[]> schema =
                schema(new String[] {"a\"b", "c"}, new ColumnType[] {ColumnType.STRING, ColumnType.BIGINT});
        Object[] row = {"x", 1L};
        assertThat(new String(schema.serialize(row), StandardCharsets.UTF_8)).isEqualTo("{\"a\\\"b\":\"x\",\"c\":1}");
        assertThat(schema.serialize(row)).isEqualTo(schema.serializeWithFlink(row));
    }

    private static void assertSameBytes(RowJsonSerializationSchema<Object[]> schema, Object[] row) {
        byte[] expected;
        try {
            expected = schema.serializeWithFlink(row);
        } catch (RuntimeException flinkFailed) {
            // e.g. a lone surrogate: the direct writer leaves the row to Flink, so it fails alike
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> schema.serialize(row))
                    .isInstanceOf(flinkFailed.getClass());
            return;
        }
        byte[] actual = schema.serialize(row);
        assertThat(new String(actual, StandardCharsets.UTF_8))
                .as("row %s", java.util.Arrays.deepToString(row))
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).isEqualTo(expected);
    }

    private static Object value(ColumnType type, Random random) {
        switch (type) {
            case STRING:
                return string(random);
            case BOOLEAN:
                return random.nextBoolean();
            case INT:
                return random.nextInt(4) == 0 ? random.nextInt(100) : random.nextInt();
            case BIGINT:
                return random.nextInt(4) == 0 ? (long) random.nextInt(100) : random.nextLong();
            case DOUBLE:
                return switch (random.nextInt(8)) {
                    case 0 -> Double.longBitsToDouble(random.nextLong()); // NaNs and infinities too
                    case 1 ->
                        new double[] {
                                    Double.NaN,
                                    Double.POSITIVE_INFINITY,
                                    Double.NEGATIVE_INFINITY,
                                    -0.0,
                                    0.0,
                                    Double.MIN_VALUE,
                                    Double.MAX_VALUE,
                                    1e21,
                                    1e-7,
                                    1e7,
                                    0.001
                                }
                                [random.nextInt(11)];
                    case 2 -> random.nextInt(1_000_000) * 0.25;
                    default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(30) - 10);
                };
            case TIMESTAMP_3:
                return timestamp(random);
            case TIMESTAMP_LTZ_3:
                return timestamp(random).toInstant(ZoneOffset.UTC);
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    /** Years -50 to 10050 (the ends go to Flink's formatter), fractions of every length. */
    private static LocalDateTime timestamp(Random random) {
        long min = LocalDateTime.of(-50, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
        long max = LocalDateTime.of(10050, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
        long second = random.nextInt(3) == 0
                ? 1_770_000_000L + random.nextInt(100_000) * 60L // minute-aligned, as window bounds are
                : min + (long) (random.nextDouble() * (max - min));
        int nanos = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            case 3 -> random.nextInt(1_000_000_000);
            default -> random.nextInt(10) * 100_000_000;
        };
        return LocalDateTime.ofEpochSecond(second, nanos, ZoneOffset.UTC);
    }

    private static final String[] PIECES = {
        "a", "Z", "0", " ", "-", "/", "~", "\u007f", "é", "ß", "€", "中", "\uffff", "😀", "\"", "\\", "\n", "\t",
        "\u0001", "\u001f", "\ud83d", "\ude00", "<", "&", "'"
    };

    private static String string(Random random) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(8);
        boolean plain = random.nextBoolean();
        for (int i = 0; i < pieces; i++) {
            // half of the strings use only what the direct writer takes, so both paths are covered
            text.append(PIECES[random.nextInt(plain ? 13 : PIECES.length)]);
        }
        return text.toString();
    }

    private static RowJsonSerializationSchema<Object[]> schema(String[] names, ColumnType[] types) {
        UpsertJsonLayout.Builder<Object[]> layout = UpsertJsonLayout.builder();
        for (int i = 0; i < names.length; i++) {
            int index = i;
            layout.addColumn(names[i], types[i], row -> row[index]);
        }
        return new RowJsonSerializationSchema<>(
                layout.setPrimaryKey(names[0]).build().columns(), null, false);
    }
}
