package dev.streamingblocks.benchmarks.latency;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a figure depends on besides the code: cores, memory, JDK and how busy the machine was. */
public final class MachineInfo {

    private MachineInfo() {}

    /** {@code 2 cores, 23.5 GiB memory, max heap 2.0 GiB, <JDK>}. */
    public static String describe() {
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return String.format(
                Locale.ROOT,
                "%d cores, %.1f GiB memory, max heap %.1f GiB, %s %s",
                Runtime.getRuntime().availableProcessors(),
                memory / (double) (1L << 30),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30),
                System.getProperty("java.vm.vendor"),
                System.getProperty("java.runtime.version"));
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}. */
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

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 20));
    }
}
