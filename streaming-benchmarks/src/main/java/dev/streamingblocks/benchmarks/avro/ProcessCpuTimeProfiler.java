package dev.streamingblocks.benchmarks.avro;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time the benchmark JVM spent per operation ({@code cpu.time.norm}, ns/op): worker, GC and
 * JIT threads together, over each iteration.
 *
 * <p>Why: on a shared machine the wall-clock score also counts the time the worker waited for a
 * core, which varies with everyone else's load from one benchmark fork to the next; CPU time per
 * operation does not, so ratios between variants measured minutes apart stay meaningful. Hardware
 * counters ({@code -prof perfnorm}) would be better still but are not available in this VM.
 *
 * <pre>{@code
 * java -jar benchmarks.jar AvroSerdeBenchmark -prof dev.streamingblocks.benchmarks.avro.ProcessCpuTimeProfiler
 * }</pre>
 */
public final class ProcessCpuTimeProfiler implements InternalProfiler {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuAtStart;

    @Override
    public String getDescription() {
        return "process CPU time per operation, insensitive to other processes' load";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        long ops = result.getMetadata().getAllOps();
        double perOp = ops == 0 ? Double.NaN : (double) cpu / ops;
        return List.of(new ScalarResult("cpu.time.norm", perOp, "ns/op", AggregationPolicy.AVG));
    }
}
