package dev.streamingblocks.benchmarks.window;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link OrderStatsBlocksBenchmark}'s jobs with the variants interleaved: round after round, each
 * variant runs one job, so a machine whose load moves (shared with other builds) moves all of them
 * alike and the ratios between them hold. Per job: wall time and the process's CPU time (all
 * threads: task, network, GC, JIT) and the heap bytes the process allocated per order (all threads;
 * on a loaded machine the steadiest of the three). Prints every job as it finishes, then the median
 * and best per variant and their ratio to the first variant given ({@code keyed} by default). Each job's output is checked exactly, as in the benchmark.
 *
 * <pre>{@code
 * java -Xmx3g @streaming-benchmarks/target/flink-opens.args -cp streaming-benchmarks/target/benchmarks.jar \
 *     dev.streamingblocks.benchmarks.window.OrderStatsBlocksRounds <parallelism> <rounds> [variant...]
 * }</pre>
 */
public final class OrderStatsBlocksRounds {

    private OrderStatsBlocksRounds() {}

    public static void main(String[] args) throws Exception {
        int parallelism = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> variants = args.length > 2
                ? Arrays.asList(args).subList(2, args.length)
                : List.of("keyed", "keyed+handOver", "preAggregated+handOver", "preAggregated+handOver+objectReuse");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OrderStatsBlocksBenchmark bench = new OrderStatsBlocksBenchmark();
        bench.parallelism = parallelism;
        bench.variant = variants.get(0);
        bench.setUp();
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        variants.forEach(v -> runs.put(v, new ArrayList<>()));
        try {
            for (int round = 0; round < rounds; round++) {
                for (String variant : variants) {
                    bench.variant = variant;
                    long allocated = threads.getTotalThreadAllocatedBytes();
                    long cpu = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    bench.orderStats();
                    double wall = (System.nanoTime() - start) / 1e6;
                    double cpuMs = (os.getProcessCpuTime() - cpu) / 1e6;
                    double bytesPerOrder = (threads.getTotalThreadAllocatedBytes() - allocated)
                            / (double) OrderStatsBlocksBenchmark.ORDERS;
                    System.out.printf(
                            "round %d p%d %-36s wall %6.0f ms  cpu %6.0f ms  alloc %6.1f B/order  load %.1f%n",
                            round, parallelism, variant, wall, cpuMs, bytesPerOrder, os.getSystemLoadAverage());
                    if (round > 0) { // the first round warms the JIT
                        runs.get(variant).add(new double[] {wall, cpuMs, bytesPerOrder});
                    }
                }
            }
        } finally {
            bench.tearDown();
        }
        double[] base = summary(runs.get(variants.get(0)));
        System.out.printf(
                "%nparallelism %d, %d orders per job, rounds after the first: %d%n",
                parallelism, OrderStatsBlocksBenchmark.ORDERS, rounds - 1);
        System.out.println("variant | wall median | wall best | cpu median | cpu best | speed-up by wall median"
                + " | by cpu median | allocated B/order median | allocation ratio");
        for (var e : runs.entrySet()) {
            double[] s = summary(e.getValue());
            System.out.printf(
                    "%s | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f | %.1f | %.2f%n",
                    e.getKey(), s[0], s[1], s[2], s[3], base[0] / s[0], base[2] / s[2], s[4], s[4] / base[4]);
        }
    }

    /** Median and best wall, median and best CPU, median bytes allocated per order. */
    private static double[] summary(List<double[]> runs) {
        double[] wall = runs.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] cpu = runs.stream().mapToDouble(r -> r[1]).sorted().toArray();
        double[] allocated = runs.stream().mapToDouble(r -> r[2]).sorted().toArray();
        return new double[] {median(wall), wall[0], median(cpu), cpu[0], median(allocated)};
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
