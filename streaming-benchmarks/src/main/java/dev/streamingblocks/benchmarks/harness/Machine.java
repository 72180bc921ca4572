package dev.streamingblocks.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a result depends on besides the code: cores, memory, JDK, and how busy the machine was. A
 * throughput figure without the load average next to it cannot be compared with another.
 *
 * @param cores {@code Runtime.availableProcessors()}
 * @param memoryBytes physical memory, 0 when the JVM cannot tell
 * @param maxHeapBytes this JVM's {@code -Xmx}
 * @param jdk vendor and version of the running JDK
 * @param os name, version and architecture
 */
public record Machine(int cores, long memoryBytes, long maxHeapBytes, String jdk, String os) {

    public static Machine current() {
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                memory,
                Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    /**
     * The 1, 5 and 15 minute load averages from {@code /proc/loadavg} (e.g. {@code "1.52 2.10
     * 2.31"}), or the JVM's 1-minute figure where there is no such file.
     */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return String.format(
                    Locale.ROOT,
                    "%.2f",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** One line for a report: {@code 2 cores, 23.5 GiB, max heap 5.9 GiB, <jdk>, <os>}. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%d cores, %.1f GiB memory, max heap %.1f GiB, %s, %s",
                cores,
                memoryBytes / (double) (1L << 30),
                maxHeapBytes / (double) (1L << 30),
                jdk,
                os);
    }

    /**
     * The closing line of a benchmark command: the machine, the load average at its start ({@code
     * loadBefore}, from {@link #loadAverage()}) and now, and the seconds since {@code beginMillis}.
     */
    public static String footer(String loadBefore, long beginMillis) {
        return String.format(
                java.util.Locale.ROOT,
                "%nMachine: %s; load average %s at the start, %s at the end; %d s in all.%n",
                current().describe(),
                loadBefore,
                loadAverage(),
                (System.currentTimeMillis() - beginMillis) / 1000);
    }
}
