package dev.streamingblocks.core.window;

import dev.streamingblocks.core.window.PartialMergingWindowOperatorTest.Harness;
import dev.streamingblocks.core.window.PartialMergingWindowOperatorTest.Kind;
import dev.streamingblocks.core.window.WindowHarness.Tx;
import dev.streamingblocks.core.window.internal.WindowPartial;
import java.time.Duration;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;

/**
 * Not a test: the keyed side of the two-phase window alone, Flink's {@code WindowOperator} as it was
 * set up against {@code PartialMergingWindowOperator}, interleaved round after round in one JVM. Each
 * round feeds 2 partials per key and one-minute window (1 000 keys, 200 windows, a watermark after
 * each window) through a harness and prints nanoseconds per partial; the first rounds warm the JIT.
 * The harness's own costs (its output list) are in both. Run from the module after {@code mvn
 * test-compile}, with the test classpath (docs/benchmarks.md has the command):
 *
 * <pre>{@code
 * java -cp <test classpath> dev.streamingblocks.core.window.PartialMergingWindowMeasurement <rounds> <lateness seconds>
 * }</pre>
 */
public final class PartialMergingWindowMeasurement {

    private static final int KEYS = 1_000;
    private static final int WINDOWS = 200;
    private static final int PARTIALS_PER_KEY_AND_WINDOW = 2;

    private PartialMergingWindowMeasurement() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Duration lateness = Duration.ofSeconds(Long.parseLong(args[1]));
        String[] keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "product-" + i;
        }
        for (int round = 0; round < rounds; round++) {
            for (Kind kind : new Kind[] {Kind.FLINK, Kind.MERGING}) {
                try (Harness h = PartialMergingWindowOperatorTest.harness(
                        kind, WindowSpec.tumbling(Duration.ofMinutes(1)), lateness, null)) {
                    StreamRecord<Either<WindowPartial<String, Double>, Tx>> partial = new StreamRecord<>(null);
                    long results = 0;
                    long started = System.nanoTime();
                    for (long w = 0; w < WINDOWS; w++) {
                        long start = w * 60_000;
                        long end = start + 60_000;
                        for (int copy = 0; copy < PARTIALS_PER_KEY_AND_WINDOW; copy++) {
                            for (String key : keys) {
                                h.processElement(partial.replace(
                                        Either.Left(new WindowPartial<>(key, start, end, 1.0)), end - 1));
                            }
                        }
                        h.processWatermark(end - 1);
                        results += h.getOutput().size() - 1;
                        h.getOutput().clear();
                    }
                    long nanos = System.nanoTime() - started;
                    long partials = (long) WINDOWS * KEYS * PARTIALS_PER_KEY_AND_WINDOW;
                    if (results != (long) WINDOWS * KEYS) {
                        throw new IllegalStateException(kind + " emitted " + results + " results");
                    }
                    System.out.printf(
                            "round %d %-7s lateness %s: %.1f ns per partial%n",
                            round, kind, lateness, (double) nanos / partials);
                }
            }
        }
    }
}
