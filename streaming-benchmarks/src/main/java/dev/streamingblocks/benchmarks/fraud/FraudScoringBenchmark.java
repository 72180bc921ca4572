package dev.streamingblocks.benchmarks.fraud;

import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.model.FraudModel;
import dev.streamingblocks.fraud.model.UserFeatures;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.rules.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a model rule costs: ONNX Runtime scoring of one feature vector and of batches (does
 * micro-batching pay?), the feature update, and the fraud job on a MiniCluster without the model,
 * with it scored one transaction per run, and with it scored in the detector's batches (the
 * default). Run from the repository root, which holds the shipped model (or pass
 * {@code -Dfraud.model=<file.onnx>}); docs/benchmarks.md has the command and the figures.
 */
public class FraudScoringBenchmark {

    static final String MODEL = System.getProperty(
            "fraud.model", "streaming-examples/src/main/resources/dev/streamingblocks/examples/fraud/fraud-model.onnx");

    static byte[] model() throws Exception {
        return Files.readAllBytes(Path.of(MODEL));
    }

    /** Feature vectors of a realistic mix, replayed round robin. */
    static float[][] vectors(int count) {
        SplittableRandom random = new SplittableRandom(42);
        UserFeatures[] users = new UserFeatures[100];
        for (int i = 0; i < users.length; i++) {
            users[i] = new UserFeatures();
        }
        float[][] out = new float[count][];
        long time = 0;
        for (int i = 0; i < count; i++) {
            time += 100;
            out[i] = users[random.nextInt(users.length)].add(time, random.nextDouble(1, 2000));
        }
        return out;
    }

    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public static class Scoring {
        @Param({"1", "8", "64"})
        public int batch;

        FraudModel model;
        float[][] vectors;
        float[][][] batches;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            model = FraudModel.load(new ModelSpec("bench", null, ByteBuffer.wrap(model()), 0.5));
            vectors = vectors(4096);
            batches = new float[vectors.length / batch][][];
            for (int b = 0; b < batches.length; b++) {
                batches[b] = java.util.Arrays.copyOfRange(vectors, b * batch, (b + 1) * batch);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            model.close();
        }
    }

    /** One vector per call, as the detector scores: the per-transaction cost (batch is ignored). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public float scoreOne(Scoring s) throws Exception {
        if (s.batch != 1) {
            return 0f; // only measured once
        }
        float[] v = s.vectors[s.next++ & (s.vectors.length - 1)];
        return s.model.score(v);
    }

    /** {@code batch} vectors per call: divide by {@code batch} for the cost per transaction. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public float[] scoreBatch(Scoring s) throws Exception {
        float[][] b = s.batches[s.next++ % s.batches.length];
        return s.model.score(b);
    }

    @State(Scope.Thread)
    public static class Features {
        UserFeatures user = new UserFeatures();
        SplittableRandom random = new SplittableRandom(7);
        long time;
    }

    /** The feature update of one transaction for a user with a transaction every 2 s (1800 in the hour). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public float[] featureUpdate(Features f) {
        f.time += 2000;
        return f.user.add(f.time, f.random.nextDouble(1, 500));
    }

    @State(Scope.Benchmark)
    public static class Job {
        /** 100k transactions of 1000 users, 10 per second of event time. */
        static final int TRANSACTIONS = 100_000;

        /** The two article rules; with the model rule scored one transaction per run; with it batched (default). */
        @Param({"rules", "rules+model/batch1", "rules+model/batch64"})
        public String rules;

        List<Transaction> transactions;
        List<FraudRule> ruleSet;
        int modelBatchSize;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            SplittableRandom random = new SplittableRandom(11);
            Instant start = Instant.parse("2026-02-06T12:00:00Z");
            transactions = new ArrayList<>(TRANSACTIONS);
            for (int i = 0; i < TRANSACTIONS; i++) {
                transactions.add(new Transaction(
                        "tx-" + i,
                        "user-" + random.nextInt(1000),
                        Math.round(random.nextDouble(1, 2000) * 100) / 100.0,
                        start.plusMillis(100L * i)));
            }
            int batch = rules.indexOf("/batch");
            modelBatchSize = batch < 0
                    ? FraudDetection.DEFAULT_MODEL_BATCH_SIZE
                    : Integer.parseInt(rules.substring(batch + "/batch".length()));
            ruleSet = rules.equals("rules")
                    ? List.of(FraudRules.articleRule(), FraudRules.articleSlidingRule())
                    : List.of(
                            FraudRules.articleRule(),
                            FraudRules.articleSlidingRule(),
                            FraudRules.model("model", FraudRules.MODEL_SCORE, "bench", model(), 0.5));
        }
    }

    /** One bounded fraud job over {@link Job#TRANSACTIONS} at parallelism 2: transactions per second = 100k / time. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void fraudJob(Job job) throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        FraudDetection.builder()
                .setRules(job.ruleSet)
                .setModelBatchSize(job.modelBatchSize)
                .build()
                .apply(env.fromData(TypeInformation.of(Transaction.class), job.transactions.toArray(new Transaction[0]))
                        .assignTimestampsAndWatermarks(FraudDetection.watermarkStrategy())
                        .setParallelism(1))
                .sinkTo(new DiscardingSink<Alert>());
        env.execute("fraud-benchmark");
    }
}
