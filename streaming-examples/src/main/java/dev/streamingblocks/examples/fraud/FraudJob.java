package dev.streamingblocks.examples.fraud;

import dev.streamingblocks.examples.ExampleEventTime;
import dev.streamingblocks.examples.internal.ClientProperties;
import dev.streamingblocks.examples.io.JobSink;
import dev.streamingblocks.examples.io.JobSource;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.sink.SinkDeadLetterHeaders;
import dev.streamingblocks.kafka.sink.SinkDeadLetterText;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.HeaderProvider;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The article's fraud job: transactions from {@value #TRANSACTIONS_TOPIC} through the article's
 * detector (more than {@link FraudRules#MIN_LARGE_TRANSACTIONS} - 1 transactions over $1000 in a
 * one-minute tumbling window) to {@value #ALERTS_TOPIC}, exactly once (alerts are written in Kafka
 * transactions committed with each checkpoint; readers use {@code read_committed}).
 *
 * <pre>{@code
 * new FraudJob(FraudJob.kafkaTransactions(bootstrap, "fraud"), FraudJob.kafkaAlerts(bootstrap, "fraud"))
 *         .attach(env);
 * env.enableCheckpointing(10_000);
 * env.execute("fraud");
 * }</pre>
 * (Checkpointing may be enabled before or after {@code attach}. This snippet is compiled and run as
 * written by {@code JavadocExamplesITCase}; change both together.)
 *
 * <p>How to run: (1) {@code local-stack}; (2) {@code fraud --bootstrap-servers <from 1> --schema-registry-url
 * <from 1>}; (3) {@code produce --type transactions --bootstrap-servers <from 1> --schema-registry-url <from 1>
 * --count 1000 --fraud-every 100}; (4) optionally {@code produce --type rules --rule '{...}'} to add a rule.
 * Expect one {@code HIGH_FREQUENCY_LARGE_TRANSACTIONS} alert per injected burst in
 * {@value #ALERTS_TOPIC}. Transactions on Kafka are plain Avro binary ({@link FraudSerdes}), keyed by
 * user id; records that are not, or whose values cannot be right ({@link FraudSerdes#transactionValidator()}:
 * a NaN or negative amount, a blank id), go to {@value #DEAD_LETTER_TOPIC}, and alerts the sink cannot write
 * (a serializer failure, a record over {@code max.request.size}) to {@value #ALERTS_DEAD_LETTER_TOPIC}.
 *
 * <p>With {@code fraud --model builtin} (the shipped model) or {@code --model <file.onnx>} the job also
 * runs a model rule ({@value #MODEL_RULE_ID}): every transaction is scored by the ONNX model over the
 * user's features and alerts {@value dev.streamingblocks.fraud.rules.FraudRules#MODEL_SCORE} with its score
 * and model version when the score is over {@code --model-threshold} (default {@value #DEFAULT_MODEL_THRESHOLD}).
 * <p>The factory methods that take a registry config read and write the Confluent wire format instead
 * ({@link FraudSerdes}), which {@code Main fraud} uses by default. {@code Main fraud} also runs
 * {@link #DEFAULT_RULES} (the sliding rule catches bursts across a minute boundary) and takes rule
 * changes at run time from {@value #RULES_TOPIC} ({@link #kafkaRuleUpdates}); the two-argument
 * constructor keeps the article's single tumbling rule with no updates.
 *
 * <p>What the detector sets aside reaches Kafka when {@link #withSideOutputs} is given
 * {@link #kafkaSideOutputs} (as {@code Main fraud} does), exactly once like the alerts: late transactions
 * to {@value #LATE_TRANSACTIONS_TOPIC} in the wire format of {@value #TRANSACTIONS_TOPIC}, so they can be
 * replayed; rule updates the detector refused (a model that does not load or fit) to
 * {@value #RULES_DEAD_LETTER_TOPIC} next to the rule records the source refused; and transactions a model
 * could not score to {@value #ALERTS_DEAD_LETTER_TOPIC}, since each is an alert decision that could not be
 * made. The last two are UTF-8 text records saying what was wrong, told apart from the sinks' and the
 * source's dead letters by the header {@value #DEAD_LETTER_OPERATOR_HEADER}{@code =}{@value
 * FraudDetection#DETECTOR_UID}.
 */
public final class FraudJob {

    public static final String TRANSACTIONS_TOPIC = "transactions";
    public static final String ALERTS_TOPIC = "fraud-alerts";
    public static final String DEAD_LETTER_TOPIC = "transactions-dlq";
    /** Where alerts the sink cannot write (a serializer failure, too large a record) go. */
    public static final String ALERTS_DEAD_LETTER_TOPIC = "fraud-alerts-dlq";

    public static final String SOURCE_NAME = "transactions-source";
    /** The model {@code fraud --model builtin} scores with; {@code FraudModelTrainer} made it. */
    public static final String SHIPPED_MODEL_RESOURCE = "/dev/streamingblocks/examples/fraud/fraud-model.onnx";

    /** The id of the model rule {@link #withModelRule} adds. */
    public static final String MODEL_RULE_ID = "fraud-model";

    public static final double DEFAULT_MODEL_THRESHOLD = 0.5;
    /** Rule changes at run time: records add, replace (same rule id) or delete rules. */
    public static final String RULES_TOPIC = "fraud-rules";
    /** Where rule records that cannot be read or could not run go. */
    public static final String RULES_DEAD_LETTER_TOPIC = "fraud-rules-dlq";

    public static final String RULES_SOURCE_NAME = "fraud-rules-source";

    /**
     * Transactions the detector found late ({@link FraudDetection#LATE_TRANSACTIONS}), keyed by user id, in
     * the wire format of {@value #TRANSACTIONS_TOPIC}: a consumer can replay them as they are.
     */
    public static final String LATE_TRANSACTIONS_TOPIC = "transactions-late";

    /** Sink name (in its transactional-id prefix and uid) of the late transactions. */
    public static final String LATE_TRANSACTIONS_SINK_NAME = "late-transactions";

    /** Sink name of the rule updates the detector refused ({@link FraudDetection#REJECTED_RULES}). */
    public static final String REJECTED_RULES_SINK_NAME = "rejected-rules";

    /** Sink name of the transactions a model rule could not score ({@link FraudDetection#SCORING_FAILURES}). */
    public static final String SCORING_FAILURES_SINK_NAME = "scoring-failures";

    /**
     * Header on the detector's text dead letters naming the operator that set the record aside
     * ({@value FraudDetection#DETECTOR_UID}); their other headers are {@link DeadLetterHeaders#ERROR_MESSAGE}
     * (the text, cut to {@value TypedKafkaSink#MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES} bytes),
     * {@link SinkDeadLetterHeaders#VALUE_KIND} {@value TypedKafkaSink#DEAD_LETTER_VALUE_DESCRIPTION} and,
     * for refused rules read from Kafka, {@link DeadLetterHeaders#SOURCE_TOPIC}. There is no exception
     * class header: the detector reports a reason, not an exception.
     */
    public static final String DEAD_LETTER_OPERATOR_HEADER = "dlq.operator";

    /**
     * Where the detector's side outputs go ({@link #withSideOutputs}): {@link FraudDetection#LATE_TRANSACTIONS},
     * {@link FraudDetection#REJECTED_RULES} and {@link FraudDetection#SCORING_FAILURES}.
     */
    public record SideOutputs(
            JobSink<Transaction> lateTransactions, JobSink<String> rejectedRules, JobSink<String> scoringFailures) {

        public SideOutputs {
            if (lateTransactions == null || rejectedRules == null || scoringFailures == null) {
                throw new IllegalArgumentException("SideOutputs needs all three sinks, so nothing is dropped unseen;"
                        + " got lateTransactions=" + lateTransactions + ", rejectedRules=" + rejectedRules
                        + ", scoringFailures=" + scoringFailures);
            }
        }
    }
    /** The article's rule over tumbling minutes and over any 60-second span. */
    public static final List<FraudRule> DEFAULT_RULES =
            List.of(FraudRules.articleRule(), FraudRules.articleSlidingRule());

    private final JobSource<Transaction> transactions;
    private final JobSource<FraudRule> ruleUpdates;
    private final JobSink<Alert> alerts;
    private FraudRule modelRule;
    private FraudDetection.Evaluation evaluation = FraudDetection.DEFAULT_EVALUATION;
    private SideOutputs sideOutputs;
    private final List<FraudRule> rules;

    /** The article's job: its tumbling rule only, no rule changes at run time. */
    public FraudJob(JobSource<Transaction> transactions, JobSink<Alert> alerts) {
        this(transactions, null, alerts, List.of(FraudRules.articleRule()));
    }

    /**
     * Runs {@code rules} from the start, changed at run time by the records of {@code ruleUpdates}
     * ({@code null}: no changes).
     */
    public FraudJob(
            JobSource<Transaction> transactions,
            JobSource<FraudRule> ruleUpdates,
            JobSink<Alert> alerts,
            List<FraudRule> rules) {
        this.transactions = transactions;
        this.ruleUpdates = ruleUpdates;
        this.alerts = alerts;
        this.rules = List.copyOf(rules);
    }

    /** Wires the pipeline into {@code env}; the caller sets checkpointing and executes. */
    public void attach(StreamExecutionEnvironment env) {
        List<FraudRule> all = new ArrayList<>(rules);
        if (modelRule != null) {
            all.add(modelRule);
        }
        FraudDetection detection =
                FraudDetection.builder().setRules(all).setEvaluation(evaluation).build();
        SingleOutputStreamOperator<Alert> detected = ruleUpdates == null
                ? detection.apply(transactions.attach(env))
                : detection.apply(transactions.attach(env), ruleUpdates.attach(env));
        alerts.attach(detected);
        if (sideOutputs != null) {
            sideOutputs.lateTransactions().attach(detected.getSideOutput(FraudDetection.LATE_TRANSACTIONS));
            sideOutputs.rejectedRules().attach(detected.getSideOutput(FraudDetection.REJECTED_RULES));
            sideOutputs.scoringFailures().attach(detected.getSideOutput(FraudDetection.SCORING_FAILURES));
        }
    }

    /**
     * Writes the detector's side outputs to {@code outputs}; without it they are only logged and counted
     * in the detector's metrics, as suits tests that look at alerts alone.
     */
    public FraudJob withSideOutputs(SideOutputs outputs) {
        this.sideOutputs = outputs;
        return this;
    }

    /**
     * The side outputs as {@code Main fraud} writes them, each exactly once in Kafka transactions
     * committed with each checkpoint (see the class Javadoc): late transactions to
     * {@value #LATE_TRANSACTIONS_TOPIC} (in the Confluent wire format with {@code registryConfig}, plain
     * Avro when it is {@code null}; one the sink cannot write goes to {@value #DEAD_LETTER_TOPIC}), refused
     * rule updates to {@value #RULES_DEAD_LETTER_TOPIC} with {@code rulesTopic} ({@code null}: none) in
     * their {@link DeadLetterHeaders#SOURCE_TOPIC} header, and scoring failures to
     * {@value #ALERTS_DEAD_LETTER_TOPIC}. Records carry the time they were written, not the event time,
     * so a retention limit does not drop an old transaction at once.
     */
    public static SideOutputs kafkaSideOutputs(
            String bootstrapServers,
            String rulesTopic,
            String jobName,
            Map<String, String> kafkaProperties,
            Map<String, ?> registryConfig) {
        TypedKafkaSink<Transaction> late = ClientProperties.applyTo(
                        TypedKafkaSink.<Transaction>builder(), kafkaProperties)
                .setBootstrapServers(bootstrapServers)
                .setTopic(LATE_TRANSACTIONS_TOPIC)
                .setKeyExtractor(Transaction::getUserId)
                .setValueSerializationSchema(
                        registryConfig == null
                                ? FraudSerdes.transactionSerializer()
                                : FraudSerdes.transactionSerializer(LATE_TRANSACTIONS_TOPIC, registryConfig))
                .setDeadLetterTopic(DEAD_LETTER_TOPIC)
                .setWriteElementTimestamps(false)
                .setTransactionalIdPrefix(
                        TypedKafkaSink.suggestTransactionalIdPrefix(jobName, LATE_TRANSACTIONS_SINK_NAME))
                .build();
        TypedKafkaSink<String> rejected = textDeadLetters(
                bootstrapServers,
                RULES_DEAD_LETTER_TOPIC,
                rulesTopic,
                jobName,
                REJECTED_RULES_SINK_NAME,
                kafkaProperties);
        TypedKafkaSink<String> failures = textDeadLetters(
                bootstrapServers, ALERTS_DEAD_LETTER_TOPIC, null, jobName, SCORING_FAILURES_SINK_NAME, kafkaProperties);
        return new SideOutputs(late::sinkTo, rejected::sinkTo, failures::sinkTo);
    }

    /**
     * Text dead letters, unkeyed, cut to {@value TypedKafkaSink#MAX_DEAD_LETTER_DESCRIPTION_BYTES} bytes of
     * UTF-8 so none can be too large to write.
     */
    private static TypedKafkaSink<String> textDeadLetters(
            String bootstrapServers,
            String topic,
            String sourceTopic,
            String jobName,
            String sinkName,
            Map<String, String> kafkaProperties) {
        SerializationSchema<String> text =
                reason -> SinkDeadLetterText.utf8Prefix(reason, TypedKafkaSink.MAX_DEAD_LETTER_DESCRIPTION_BYTES)
                        .bytes();
        HeaderProvider<String> headers = reason -> {
            RecordHeaders all = new RecordHeaders();
            all.add(DEAD_LETTER_OPERATOR_HEADER, FraudDetection.DETECTOR_UID.getBytes(StandardCharsets.UTF_8));
            all.add(
                    DeadLetterHeaders.ERROR_MESSAGE,
                    SinkDeadLetterText.utf8Prefix(reason, TypedKafkaSink.MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES)
                            .bytes());
            all.add(
                    SinkDeadLetterHeaders.VALUE_KIND,
                    TypedKafkaSink.DEAD_LETTER_VALUE_DESCRIPTION.getBytes(StandardCharsets.UTF_8));
            if (sourceTopic != null) {
                all.add(DeadLetterHeaders.SOURCE_TOPIC, sourceTopic.getBytes(StandardCharsets.UTF_8));
            }
            return all;
        };
        return ClientProperties.applyTo(TypedKafkaSink.<String>builder(), kafkaProperties)
                .setBootstrapServers(bootstrapServers)
                .setTopic(topic)
                .setValueSerializationSchema(text)
                .setHeaderProvider(headers)
                .setWriteElementTimestamps(false)
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix(jobName, sinkName))
                .build();
    }

    /** When the detector evaluates transactions (default {@link FraudDetection#DEFAULT_EVALUATION}). */
    public FraudJob withEvaluation(FraudDetection.Evaluation evaluation) {
        this.evaluation = Objects.requireNonNull(evaluation, "evaluation");
        return this;
    }

    /** Runs {@code rule} (from {@link #shippedModelRule} or {@link #modelRule}) next to the job's other rules. */
    public FraudJob withModelRule(FraudRule rule) {
        this.modelRule = rule;
        return this;
    }

    /** The shipped model ({@value #SHIPPED_MODEL_RESOURCE}) as a rule with the model's bytes in it. */
    public static FraudRule shippedModelRule(double threshold) {
        try (InputStream in = FraudJob.class.getResourceAsStream(SHIPPED_MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The shipped model " + SHIPPED_MODEL_RESOURCE + " is not on the class path");
            }
            return modelRule("fraud-model.onnx", in.readAllBytes(), threshold);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the shipped model " + SHIPPED_MODEL_RESOURCE, e);
        }
    }

    /**
     * Rule records from {@code topic}, always from its earliest offset on a fresh start (the topic is the
     * history of rule changes), in the Confluent wire format with {@code registryConfig}, or plain Avro
     * when it is {@code null}. Records that cannot be read, and rules that could not run
     * ({@link FraudSerdes#ruleValidator()}), go to {@value #RULES_DEAD_LETTER_TOPIC} and the job goes on.
     */
    public static JobSource<FraudRule> kafkaRuleUpdates(
            String bootstrapServers,
            String topic,
            String groupId,
            Map<String, String> kafkaProperties,
            Map<String, ?> registryConfig) {
        DeserializationSchema<FraudRule> values =
                registryConfig == null ? FraudSerdes.ruleDeserializer() : FraudSerdes.ruleDeserializer(registryConfig);
        TypedKafkaSource<FraudRule> source = ClientProperties.applyTo(
                        TypedKafkaSource.<FraudRule>builder(), kafkaProperties)
                .setName(RULES_SOURCE_NAME)
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setValueDeserializer(values)
                .setRecordValidator(FraudSerdes.ruleValidator())
                .setWatermarkStrategy(WatermarkStrategy.noWatermarks())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(RULES_DEAD_LETTER_TOPIC)
                .setStartingOffsets(StartingOffsets.earliest())
                .build();
        return env -> source.attach(env).records();
    }

    /**
     * The model file as a rule carrying its bytes, so TaskManagers need no copy of the file; the
     * version is the file name and the start of its SHA-256, so a changed file is a new version.
     */
    public static FraudRule modelRule(Path model, double threshold) {
        try {
            return modelRule(model.getFileName().toString(), Files.readAllBytes(model), threshold);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model file '" + model + "'", e);
        }
    }

    private static FraudRule modelRule(String name, byte[] model, double threshold) {
        try {
            String sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(model));
            return FraudRules.model(
                    MODEL_RULE_ID, FraudRules.MODEL_SCORE, name + "@" + sha.substring(0, 12), model, threshold);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * {@link FraudDetection#watermarkStrategy()} with the examples' guard ({@link ExampleEventTime}):
     * a far-future transaction goes to {@value #DEAD_LETTER_TOPIC}.
     */
    public static WatermarkStrategy<Transaction> watermarks() {
        return FraudDetection.watermarkStrategy(ExampleEventTime.guard());
    }

    /** The production source's builder; tests make it bounded with {@code setBoundedToLatest()}. */
    public static TypedKafkaSource.Builder<Transaction> kafkaSourceBuilder(String bootstrapServers, String groupId) {
        return kafkaSourceBuilder(bootstrapServers, groupId, Map.of());
    }

    /** As {@link #kafkaSourceBuilder(String, String)}, with the user's Kafka client settings (security...). */
    public static TypedKafkaSource.Builder<Transaction> kafkaSourceBuilder(
            String bootstrapServers, String groupId, Map<String, String> kafkaProperties) {
        return kafkaSourceBuilder(bootstrapServers, groupId, kafkaProperties, FraudSerdes.transactionDeserializer());
    }

    private static TypedKafkaSource.Builder<Transaction> kafkaSourceBuilder(
            String bootstrapServers,
            String groupId,
            Map<String, String> kafkaProperties,
            DeserializationSchema<Transaction> values) {
        return ClientProperties.applyTo(TypedKafkaSource.<Transaction>builder(), kafkaProperties)
                .setName(SOURCE_NAME)
                .setBootstrapServers(bootstrapServers)
                .setTopics(TRANSACTIONS_TOPIC)
                .setGroupId(groupId)
                .setValueDeserializer(values)
                .setRecordValidator(FraudSerdes.transactionValidator())
                .setWatermarkStrategy(watermarks())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(DEAD_LETTER_TOPIC);
    }

    public static JobSource<Transaction> kafkaTransactions(String bootstrapServers, String groupId) {
        return kafkaTransactions(bootstrapServers, groupId, TypedKafkaSource.DEFAULT_STARTING_OFFSETS);
    }

    /** As {@link #kafkaTransactions(String, String)}, starting at {@code start} when no state is restored. */
    public static JobSource<Transaction> kafkaTransactions(
            String bootstrapServers, String groupId, StartingOffsets start) {
        return kafkaTransactions(bootstrapServers, groupId, start, Map.of());
    }

    /** As {@link #kafkaTransactions(String, String, StartingOffsets)}, with the user's Kafka client settings. */
    public static JobSource<Transaction> kafkaTransactions(
            String bootstrapServers, String groupId, StartingOffsets start, Map<String, String> kafkaProperties) {
        return kafkaTransactions(bootstrapServers, groupId, start, kafkaProperties, null);
    }

    /**
     * As {@link #kafkaTransactions(String, String, StartingOffsets, Map)}, reading the Confluent wire
     * format with {@code registryConfig} ({@code null}: plain Avro).
     */
    public static JobSource<Transaction> kafkaTransactions(
            String bootstrapServers,
            String groupId,
            StartingOffsets start,
            Map<String, String> kafkaProperties,
            Map<String, ?> registryConfig) {
        TypedKafkaSource<Transaction> source = kafkaSourceBuilder(
                        bootstrapServers,
                        groupId,
                        kafkaProperties,
                        registryConfig == null
                                ? FraudSerdes.transactionDeserializer()
                                : FraudSerdes.transactionDeserializer(registryConfig))
                .setStartingOffsets(start)
                .build();
        return env -> source.attach(env).records();
    }

    /**
     * Alerts keyed by user id, Avro binary values, exactly once, to {@value #ALERTS_TOPIC}; alerts
     * it cannot write go to {@value #ALERTS_DEAD_LETTER_TOPIC}.
     */
    public static JobSink<Alert> kafkaAlerts(String bootstrapServers, String jobName) {
        return kafkaAlerts(bootstrapServers, ALERTS_TOPIC, ALERTS_DEAD_LETTER_TOPIC, jobName);
    }

    /** As {@link #kafkaAlerts(String, String)}, to {@code topic}, with dead letters to {@code topic + "-dlq"}. */
    public static JobSink<Alert> kafkaAlerts(String bootstrapServers, String topic, String jobName) {
        return kafkaAlerts(bootstrapServers, topic, topic + "-dlq", jobName);
    }

    /**
     * Alerts keyed by user id, Avro binary values, exactly once, to {@code topic}; alerts it cannot
     * write go to {@code deadLetterTopic} in the same transactions, and the job goes on.
     */
    public static JobSink<Alert> kafkaAlerts(
            String bootstrapServers, String topic, String deadLetterTopic, String jobName) {
        return kafkaAlerts(bootstrapServers, topic, deadLetterTopic, jobName, Map.of());
    }

    /** As {@link #kafkaAlerts(String, String, String, String)}, with the user's Kafka client settings. */
    public static JobSink<Alert> kafkaAlerts(
            String bootstrapServers,
            String topic,
            String deadLetterTopic,
            String jobName,
            Map<String, String> kafkaProperties) {
        return kafkaAlerts(bootstrapServers, topic, deadLetterTopic, jobName, kafkaProperties, null);
    }

    /**
     * As {@link #kafkaAlerts(String, String, String, String, Map)}, writing the Confluent wire format
     * with {@code registryConfig} ({@code null}: plain Avro).
     */
    public static JobSink<Alert> kafkaAlerts(
            String bootstrapServers,
            String topic,
            String deadLetterTopic,
            String jobName,
            Map<String, String> kafkaProperties,
            Map<String, ?> registryConfig) {
        TypedKafkaSink<Alert> sink = ClientProperties.applyTo(TypedKafkaSink.<Alert>builder(), kafkaProperties)
                .setBootstrapServers(bootstrapServers)
                .setTopic(topic)
                .setKeyExtractor(Alert::getUserId)
                .setValueSerializationSchema(
                        registryConfig == null
                                ? FraudSerdes.alertSerializer()
                                : FraudSerdes.alertSerializer(topic, registryConfig))
                .setDeadLetterTopic(deadLetterTopic)
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix(jobName, "alerts"))
                .build();
        return sink::sinkTo;
    }
}
