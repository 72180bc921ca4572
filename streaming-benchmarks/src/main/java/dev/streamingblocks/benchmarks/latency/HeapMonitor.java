package dev.streamingblocks.benchmarks.latency;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap a job needs, seen from inside the JVM that runs it (the MiniCluster, the broker, the
 * registry and the load generator share it). {@link #start()} runs a full GC and takes the heap
 * still in use as the baseline; while the job runs, every GC's "heap in use after this GC" is
 * recorded. The highest of those, minus the baseline, is the job's peak live heap: what the job
 * and its load added and could not be collected. The peak of the pools' used bytes is reported
 * beside it as an upper bound that includes uncollected garbage.
 */
public final class HeapMonitor implements NotificationListener, AutoCloseable {

    /** Heap figures of one run, in bytes. */
    public record Usage(long baselineBytes, long peakAfterGcBytes, long peakUsedBytes, int gcs) {

        /** Peak heap in use after a GC, above the baseline. */
        public long peakLiveAboveBaseline() {
            return Math.max(0, peakAfterGcBytes - baselineBytes);
        }
    }

    private final Set<String> heapPools;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicLong gcs = new AtomicLong();
    private long baseline;

    private HeapMonitor() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
    }

    /** Collects garbage, takes the baseline, resets the pools' peaks and starts listening to GCs. */
    public static HeapMonitor start() {
        HeapMonitor monitor = new HeapMonitor();
        monitor.baseline = usedAfterFullGc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(monitor, null, null);
                monitor.emitters.add(emitter);
            }
        }
        return monitor;
    }

    /** Heap in use right after a requested full GC. */
    public static long usedAfterFullGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (var pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        gcs.incrementAndGet();
        peakAfterGc.accumulateAndGet(used, Math::max);
    }

    /** The figures so far. */
    public Usage usage() {
        long peakUsed = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage peak = pool.getPeakUsage();
                peakUsed += peak == null ? 0 : peak.getUsed();
            }
        }
        return new Usage(baseline, peakAfterGc.get(), peakUsed, (int) gcs.get());
    }

    /** Bytes as MiB with one decimal. */
    public static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) (1L << 20));
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(this);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
    }
}
