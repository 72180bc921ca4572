package dev.streamingblocks.benchmarks.sessions;

import dev.streamingblocks.benchmarks.harness.Args;
import dev.streamingblocks.benchmarks.harness.GroupedBarChart;
import dev.streamingblocks.benchmarks.harness.Machine;
import dev.streamingblocks.benchmarks.harness.Progress;
import dev.streamingblocks.benchmarks.latency.HeapMonitor;
import dev.streamingblocks.benchmarks.latency.PipelineStack;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.ChangeKind;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.Sessionizer;
import dev.streamingblocks.sessions.UserSession;
import dev.streamingblocks.sessions.json.PageViewJsonDeserializationSchema;
import dev.streamingblocks.testkit.await.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Issue #10 items 1.3 and 1.4 for sessions: the library's {@link Sessionizer} against Flink SQL's
 * {@code SESSION} window table function on the same JSON page views in Kafka
 * ({@link PageViewWorkload}: many users, views a short step apart, a 30-minute gap), both reading
 * through Kafka on the stack's MiniCluster at the same parallelism.
 *
 * <ul>
 *   <li><b>Throughput</b>: each engine reads the whole topic as a bounded job and collects its
 *       sessions; views per second over the job's wall time (submission to last result, start-up
 *       included, as a user waits for it), alternating engines for {@code --repeats} rounds. Each
 *       run's sessions must equal the workload's exactly, or the run is reported WRONG.</li>
 *   <li><b>State per open session</b>: each engine reads the open phase (every user has one open
 *       session, none closed) as an unbounded job; once an operator has received every view, one
 *       checkpoint is triggered and its directory's bytes divided by the open sessions. The heap
 *       in use after a full GC at that moment, less the heap in use after a full GC once the job
 *       is cancelled, is given per session too (the job's whole heap: state, timers, the Kafka
 *       client's buffers; Flink's network buffers are off-heap).</li>
 *   <li><b>Peak heap</b> of each throughput run ({@link HeapMonitor}).</li>
 * </ul>
 *
 * <pre>
 * java -Xmx2g &lt;flink.jvm.opens&gt; -cp streaming-benchmarks/target/benchmarks.jar \
 *     dev.streamingblocks.benchmarks.sessions.SessionsBenchmark --out docs/benchmarks
 * </pre>
 */
public final class SessionsBenchmark {

    public static final Set<String> OPTIONS =
            Set.of("users", "views-per-session", "step-s", "gap-min", "parallelism", "repeats", "out");

    static final String LIBRARY = "library Sessionizer";
    static final String SQL = "Flink SQL SESSION";

    private static final AtomicInteger RUNS = new AtomicInteger();

    /** One bounded run: views/s over the job's wall time; {@code problem} null when the sessions were exact. */
    public record ThroughputRun(
            String engine, long views, long millis, int sessions, String problem, HeapMonitor.Usage heap) {

        public double viewsPerSecond() {
            return views * 1000.0 / millis;
        }

        public boolean exact() {
            return problem == null;
        }
    }

    /** The open phase's state: checkpoint bytes and live heap per open session. */
    public record StateRun(String engine, int openSessions, long checkpointBytes, long liveHeapBytes) {}

    public record Report(List<ThroughputRun> throughput, List<StateRun> state, String markdown) {}

    private SessionsBenchmark() {}

    public static void main(String[] args) throws Exception {
        Args options = Args.parse("SessionsBenchmark", args, OPTIONS);
        String loadBefore = Machine.loadAverage();
        long begin = System.currentTimeMillis();
        Report report;
        try (PipelineStack stack = PipelineStack.start(options.intValue("parallelism", 2))) {
            report = run(stack, options);
        }
        System.out.println(report.markdown());
        System.out.print(Machine.footer(loadBefore, begin));
        System.exit(report.throughput().stream().allMatch(ThroughputRun::exact) ? 0 : 1);
    }

    public static Report run(PipelineStack stack, Args options) throws Exception {
        int parallelism = options.intValue("parallelism", 2);
        Duration gap = Duration.ofMinutes(options.intValue("gap-min", 30));
        PageViewWorkload workload = new PageViewWorkload(
                options.intValue("users", 20_000),
                options.intValue("views-per-session", 25),
                Duration.ofSeconds(options.intValue("step-s", 60)),
                gap);
        String id = "sessions-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        String all = id + "-views";
        String open = id + "-open-views";
        stack.createTopic(all, parallelism);
        stack.createTopic(open, parallelism);
        stack.createTopic(all + "-dlq", 1);
        stack.createTopic(open + "-dlq", 1);
        workload.produce(stack, all, open);
        Set<UserSession> expected = workload.expectedSessions();

        List<ThroughputRun> throughput = new ArrayList<>();
        for (int round = 0; round < options.intValue("repeats", 3); round++) {
            throughput.add(library(stack, parallelism, gap, all, workload, expected));
            throughput.add(sql(stack, parallelism, gap, all, workload, expected));
        }
        List<StateRun> state = new ArrayList<>();
        state.add(openState(stack, LIBRARY, workload, () -> {
            StreamExecutionEnvironment env = checkpointed(stack, parallelism);
            libraryPipeline(env, stack.bootstrapServers(), gap, open, false).sinkTo(new DiscardingSink<>());
            return env.executeAsync(id + "-library-open");
        }));
        state.add(openState(stack, SQL, workload, () -> {
            StreamTableEnvironment tEnv = sqlTables(checkpointed(stack, parallelism), stack, gap, open, false);
            tEnv.executeSql("CREATE TEMPORARY TABLE discard (user_id STRING, session_start TIMESTAMP(3),"
                    + " session_end TIMESTAMP(3), page_count BIGINT, first_page STRING, last_page STRING)"
                    + " WITH ('connector' = 'blackhole')");
            return tEnv.executeSql("INSERT INTO discard " + query(gap))
                    .getJobClient()
                    .orElseThrow();
        }));
        String markdown = markdown(workload, parallelism, throughput, state);
        charts(Path.of(options.string("out", "docs/benchmarks")), throughput, state);
        return new Report(throughput, state, markdown);
    }

    private static StreamExecutionEnvironment checkpointed(PipelineStack stack, int parallelism) {
        StreamExecutionEnvironment env = stack.environment(parallelism);
        // only checkpoints the benchmark triggers: the coordinator exists only with an interval set
        env.enableCheckpointing(Duration.ofHours(1).toMillis());
        return env;
    }

    static DataStream<SessionChange> libraryPipeline(
            StreamExecutionEnvironment env, String bootstrapServers, Duration gap, String topic, boolean bounded) {
        Sessionizer sessionizer = Sessionizer.builder().setGap(gap).build();
        TypedKafkaSource.Builder<PageView> source = TypedKafkaSource.<PageView>builder()
                .setName("page-views")
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(topic + "-library-" + RUNS.incrementAndGet())
                .setValueDeserializer(new PageViewJsonDeserializationSchema())
                .setWatermarkStrategy(sessionizer.watermarkStrategy())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(topic + "-dlq")
                .setStartingOffsets(StartingOffsets.earliest());
        if (bounded) {
            source.setBoundedToLatest();
        }
        return sessionizer.apply(source.build().attach(env).records()).changes();
    }

    private static ThroughputRun library(
            PipelineStack stack,
            int parallelism,
            Duration gap,
            String topic,
            PageViewWorkload workload,
            Set<UserSession> expected)
            throws Exception {
        StreamExecutionEnvironment env = stack.environment(parallelism);
        DataStream<SessionChange> changes = libraryPipeline(env, stack.bootstrapServers(), gap, topic, true);
        HeapMonitor heap = HeapMonitor.start();
        long begin = System.nanoTime();
        Map<String, UserSession> sessions = new HashMap<>();
        int changeCount = 0;
        try (CloseableIterator<SessionChange> results = changes.executeAndCollect("sessions-library")) {
            while (results.hasNext()) {
                SessionChange change = results.next();
                changeCount++;
                String key = change.session().userId() + "|" + change.session().sessionStart();
                if (change.kind() == ChangeKind.DELETE) {
                    sessions.remove(key);
                } else {
                    sessions.put(key, change.session());
                }
            }
        }
        long millis = (System.nanoTime() - begin) / 1_000_000;
        heap.close();
        ThroughputRun run = new ThroughputRun(
                LIBRARY,
                workload.totalViews(),
                millis,
                changeCount,
                compare(expected, new HashSet<>(sessions.values())),
                heap.usage());
        Progress.line("%s", describe(run));
        return run;
    }

    private static ThroughputRun sql(
            PipelineStack stack,
            int parallelism,
            Duration gap,
            String topic,
            PageViewWorkload workload,
            Set<UserSession> expected)
            throws Exception {
        HeapMonitor heap = HeapMonitor.start();
        long begin = System.nanoTime();
        StreamTableEnvironment tEnv = sqlTables(stack.environment(parallelism), stack, gap, topic, true);
        TableResult result = tEnv.sqlQuery(query(gap)).execute();
        Set<UserSession> sessions = new HashSet<>();
        int rows = 0;
        try (CloseableIterator<Row> results = result.collect()) {
            while (results.hasNext()) {
                Row row = results.next();
                rows++;
                sessions.add(new UserSession(
                        (String) row.getField(0),
                        ((LocalDateTime) row.getField(1)).toInstant(ZoneOffset.UTC),
                        ((LocalDateTime) row.getField(2)).toInstant(ZoneOffset.UTC),
                        (Long) row.getField(3),
                        (String) row.getField(4),
                        (String) row.getField(5)));
            }
        }
        long millis = (System.nanoTime() - begin) / 1_000_000;
        heap.close();
        String problem = compare(expected, sessions);
        if (problem == null && rows != sessions.size()) {
            problem = (rows - sessions.size()) + " duplicated rows";
        }
        ThroughputRun run = new ThroughputRun(SQL, workload.totalViews(), millis, rows, problem, heap.usage());
        Progress.line("%s", describe(run));
        return run;
    }

    static StreamTableEnvironment sqlTables(
            StreamExecutionEnvironment env, PipelineStack stack, Duration gap, String topic, boolean bounded) {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql("CREATE TEMPORARY TABLE page_views (\n"
                + "    user_id STRING,\n"
                + "    page_url STRING,\n"
                + "    view_time TIMESTAMP(3),\n"
                + "    WATERMARK FOR view_time AS view_time - INTERVAL '10' SECOND\n"
                + ") WITH (\n"
                + "    'connector' = 'kafka',\n"
                + "    'topic' = '" + topic + "',\n"
                + "    'properties.bootstrap.servers' = '" + stack.bootstrapServers() + "',\n"
                + "    'properties.group.id' = '" + topic + "-sql-" + RUNS.incrementAndGet() + "',\n"
                + "    'scan.startup.mode' = 'earliest-offset',\n"
                + (bounded ? "    'scan.bounded.mode' = 'latest-offset',\n" : "")
                + "    'format' = 'json'\n"
                + ")");
        return tEnv;
    }

    /**
     * The article's sessions query (as {@code SessionsSql} in streaming-examples): first and last
     * page by event time through MIN/MAX of the time formatted to a fixed width, then the URL.
     */
    static String query(Duration gap) {
        String timeThenUrl = "CONCAT(DATE_FORMAT(view_time, 'yyyy-MM-dd HH:mm:ss.SSS'), page_url)";
        return "SELECT user_id, window_start AS session_start, window_end AS session_end,"
                + " COUNT(*) AS page_count,"
                + " SUBSTRING(MIN(" + timeThenUrl + ") FROM 24) AS first_page,"
                + " SUBSTRING(MAX(" + timeThenUrl + ") FROM 24) AS last_page"
                + " FROM TABLE(SESSION(TABLE page_views PARTITION BY user_id, DESCRIPTOR(view_time),"
                + " INTERVAL '" + gap.toMinutes() + "' MINUTE))"
                + " GROUP BY user_id, window_start, window_end";
    }

    interface Submit {
        JobClient submit() throws Exception;
    }

    private static StateRun openState(PipelineStack stack, String engine, PageViewWorkload workload, Submit submit)
            throws Exception {
        JobClient job = submit.submit();
        JobID id = job.getJobID();
        long views = workload.openPhaseViews();
        long withJob;
        long bytes;
        try {
            Await.until(
                    Duration.ofMinutes(10),
                    engine + " to receive all " + views + " open-phase views",
                    () -> stack.maxRecordsReceived(id) >= views);
            withJob = HeapMonitor.usedAfterFullGc();
            bytes = stack.checkpointBytes(id);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        Await.until(
                Duration.ofSeconds(60),
                engine + " job cancelled",
                () -> job.getJobStatus().get().isGloballyTerminalState());
        // the job's heap: in use with it running, less in use once it is gone (both after a full GC)
        long live = withJob - HeapMonitor.usedAfterFullGc();
        StateRun run = new StateRun(engine, workload.users(), bytes, live);
        Progress.line(
                "%s: %,d open sessions, checkpoint %,d bytes (%,d per session), job heap %s MiB (%,d per session)",
                engine,
                run.openSessions(),
                bytes,
                bytes / run.openSessions(),
                HeapMonitor.mib(live),
                live / run.openSessions());
        return run;
    }

    static String compare(Set<UserSession> expected, Set<UserSession> actual) {
        Set<UserSession> missing = new HashSet<>(expected);
        missing.removeAll(actual);
        Set<UserSession> extra = new HashSet<>(actual);
        extra.removeAll(expected);
        if (missing.isEmpty() && extra.isEmpty()) {
            return null;
        }
        return missing.size() + " sessions missing"
                + (missing.isEmpty() ? "" : " (e.g. " + missing.iterator().next() + ")")
                + ", " + extra.size() + " unexpected"
                + (extra.isEmpty() ? "" : " (e.g. " + extra.iterator().next() + ")");
    }

    static String describe(ThroughputRun run) {
        return String.format(
                Locale.ROOT,
                "%s: %,d views in %,d ms = %,.0f views/s; %,d results, %s; peak live heap +%s MiB",
                run.engine(),
                run.views(),
                run.millis(),
                run.viewsPerSecond(),
                run.sessions(),
                run.exact() ? "exact" : "WRONG: " + run.problem(),
                HeapMonitor.mib(run.heap().peakLiveAboveBaseline()));
    }

    private static ThroughputRun best(List<ThroughputRun> runs, String engine) {
        return runs.stream()
                .filter(r -> r.engine().equals(engine))
                .max((a, b) -> Double.compare(a.exact() ? a.viewsPerSecond() : -1, b.exact() ? b.viewsPerSecond() : -1))
                .orElseThrow();
    }

    static String markdown(
            PageViewWorkload workload, int parallelism, List<ThroughputRun> throughput, List<StateRun> state) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "%,d users, %,d views (two sessions of %d views each per user), parallelism %d%n%n",
                workload.users(),
                workload.totalViews(),
                workload.totalViews() / workload.users() / 2,
                parallelism));
        md.append("| engine | run | views/s | job time ms | sessions exact "
                + "| peak live heap MiB (+ over baseline) | peak used heap MiB |\n");
        md.append("|---|---:|---:|---:|---|---:|---:|\n");
        for (String engine : List.of(LIBRARY, SQL)) {
            int round = 0;
            for (ThroughputRun r : throughput) {
                if (!r.engine().equals(engine)) {
                    continue;
                }
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %s | %,d | %s | %s (+%s) | %s |%n",
                        engine,
                        ++round,
                        r.exact() ? String.format(Locale.ROOT, "%,.0f", r.viewsPerSecond()) : "WRONG",
                        r.millis(),
                        r.exact() ? "yes (" + r.sessions() + " results)" : "**NO**: " + r.problem(),
                        HeapMonitor.mib(r.heap().peakAfterGcBytes()),
                        HeapMonitor.mib(r.heap().peakLiveAboveBaseline()),
                        HeapMonitor.mib(r.heap().peakUsedBytes())));
            }
        }
        md.append(String.format(
                Locale.ROOT,
                "%nlibrary / SQL throughput (best runs): %.2f%n%n",
                best(throughput, LIBRARY).viewsPerSecond()
                        / best(throughput, SQL).viewsPerSecond()));
        md.append("| engine | open sessions | checkpoint bytes | checkpoint bytes per open session | job heap MiB "
                + "| job heap bytes per open session |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (StateRun s : state) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,d | %,d | %s | %,d |%n",
                    s.engine(),
                    s.openSessions(),
                    s.checkpointBytes(),
                    s.checkpointBytes() / s.openSessions(),
                    HeapMonitor.mib(s.liveHeapBytes()),
                    s.liveHeapBytes() / s.openSessions()));
        }
        return md.toString();
    }

    static void charts(Path out, List<ThroughputRun> throughput, List<StateRun> state) throws Exception {
        List<String> rows = List.of(LIBRARY, SQL);
        double[][] views = new double[2][];
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            ThroughputRun best = best(throughput, rows.get(i));
            views[i] = new double[] {best.exact() ? best.viewsPerSecond() : Double.NaN};
            notes.add(best.exact() ? null : "WRONG sessions");
        }
        GroupedBarChart.write(
                out.resolve("sessions-throughput.png"),
                "Sessions: page views per second, Kafka in -> sessions out (best run)",
                "views/s",
                rows,
                List.of("throughput"),
                views,
                notes,
                Double.NaN,
                null);
        // only the checkpoint: the heap per session is below the noise of a shared JVM (docs/benchmarks.md)
        double[][] bytes = new double[state.size()][];
        List<String> stateRows = new ArrayList<>();
        for (int i = 0; i < state.size(); i++) {
            StateRun s = state.get(i);
            stateRows.add(s.engine());
            bytes[i] = new double[] {(double) s.checkpointBytes() / s.openSessions()};
        }
        GroupedBarChart.write(
                out.resolve("sessions-state.png"),
                "Sessions: checkpoint bytes per open session",
                "bytes",
                stateRows,
                List.of("checkpoint bytes per session"),
                bytes,
                null,
                Double.NaN,
                null);
    }
}
