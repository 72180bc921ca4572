package dev.streamingblocks.kafka.sink.internal;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Remembers the transactional-id prefixes of the exactly-once sinks attached to each job, so a
 * second sink with the same (or an overlapping) prefix fails when it is attached instead of
 * fencing the first sink's producers at run time. Weak keys: environments of finished tests and
 * jobs are not kept alive.
 */
public final class TransactionalIdPrefixRegistry {

    private static final Map<StreamExecutionEnvironment, Set<String>> PREFIXES = new WeakHashMap<>();

    private TransactionalIdPrefixRegistry() {}

    /** Records the prefix for the job, or fails if a sink of the job already uses a clashing one. */
    public static synchronized void register(StreamExecutionEnvironment env, String prefix) {
        Set<String> used = PREFIXES.computeIfAbsent(env, e -> new LinkedHashSet<>());
        for (String other : used) {
            if (clash(prefix, other)) {
                throw new IllegalStateException("transactionalIdPrefix '" + prefix + "' clashes with '"
                        + other + "' of another Kafka sink in this job: the transactional ids of the"
                        + " two sinks would overlap; give each exactly-once sink its own prefix, e.g."
                        + " TypedKafkaSink.suggestTransactionalIdPrefix(jobName, sinkName)");
            }
        }
        used.add(prefix);
    }

    /** The prefixes registered for the job so far, in attach order. */
    public static synchronized Set<String> registered(StreamExecutionEnvironment env) {
        Set<String> used = PREFIXES.get(env);
        return used == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(used));
    }

    /**
     * Flink names transactions {@code <prefix>-<subtask>-<checkpoint>}, so "a" and "a-1" overlap:
     * "a" subtask 1 writes "a-1-0", and Flink's start-up abort of "a-1" would probe those ids.
     */
    static boolean clash(String a, String b) {
        return a.equals(b) || a.startsWith(b + "-") || b.startsWith(a + "-");
    }
}
