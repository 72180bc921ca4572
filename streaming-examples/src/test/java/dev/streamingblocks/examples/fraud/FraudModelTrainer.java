package dev.streamingblocks.examples.fraud;

import ai.onnx.proto.OnnxMl;
import dev.streamingblocks.examples.fraud.TransactionGenerator.BurstPlacement;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.model.FraudModel;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.model.UserFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the shipped fraud model ({@value FraudJob#SHIPPED_MODEL_RESOURCE}): a logistic regression
 * (Tribuo, seeded SGD) over {@link TransactionFeatures} of {@link TransactionGenerator} data, labelled
 * fraud for the transactions of its injected bursts, exported to ONNX. The same seed gives the same
 * bytes: Tribuo's provenance (training time, host, JVM) is left out of the file, and
 * {@code ShippedFraudModelTest} retrains and compares with the committed model.
 *
 * <p>How to run, from the repository root (writes the model into the examples' resources):
 * <pre>
 * mvn -q install -DskipTests
 * mvn -pl streaming-examples test-compile exec:exec -Dexec.classpathScope=test \
 *     -Dexample.main=dev.streamingblocks.examples.fraud.FraudModelTrainer \
 *     -Dexample.args=src/main/resources/dev/streamingblocks/examples/fraud/fraud-model.onnx
 * </pre>
 * Expected output: a progress line per step and the training set's precision and recall at 0.5.
 */
public final class FraudModelTrainer {

    public static final long SEED = 42L;
    public static final Instant START = Instant.parse("2026-02-06T12:00:00Z");
    public static final Duration SPACING = Duration.ofMillis(100);
    public static final int TRANSACTIONS = 40_000;
    /** Not a divisor of a minute's transactions, so bursts drift across the minute and some straddle. */
    public static final int FRAUD_EVERY = 37;

    public static final int EPOCHS = 10;
    public static final String FRAUD_PREFIX = "fraudster-";

    static final Label FRAUD = new Label("fraud");
    static final Label LEGIT = new Label("legit");

    private FraudModelTrainer() {}

    /** A transaction's feature vector and whether it belongs to an injected burst. */
    public record Labelled(Transaction transaction, float[] features, boolean fraud) {}

    /** Generated transactions in event-time order, as the detector replays them. */
    public static List<Transaction> transactions(long seed, int count) {
        List<Transaction> txs = new ArrayList<>(new TransactionGenerator(
                        seed, START, SPACING, FRAUD_EVERY, BurstPlacement.ACROSS_NEAR_MINUTE_BOUNDARIES)
                .next(count));
        txs.sort(Comparator.comparing(Transaction::getTimestamp)); // stable: ties keep their order
        return txs;
    }

    /** Each transaction's features, computed per user as the detector does, with its label. */
    public static List<Labelled> label(List<Transaction> timeOrdered) {
        Map<String, UserFeatures> users = new HashMap<>();
        List<Labelled> out = new ArrayList<>(timeOrdered.size());
        for (Transaction tx : timeOrdered) {
            UserFeatures features = users.computeIfAbsent(tx.getUserId(), u -> new UserFeatures());
            out.add(new Labelled(
                    tx,
                    features.add(tx.getTimestamp().toEpochMilli(), tx.getAmount()),
                    tx.getUserId().startsWith(FRAUD_PREFIX)));
        }
        return out;
    }

    /** Trains on {@code data} and returns the ONNX model's bytes. */
    public static byte[] train(List<Labelled> data, long seed) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset =
                new MutableDataset<>(new SimpleDataSourceProvenance("TransactionGenerator", factory), factory);
        String[] names = TransactionFeatures.NAMES.toArray(new String[0]);
        for (Labelled row : data) {
            double[] values = new double[row.features().length];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.features()[i];
            }
            dataset.add(new ArrayExample<>(row.fraud() ? FRAUD : LEGIT, names, values));
        }
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), EPOCHS, seed);
        LinearSGDModel model = (LinearSGDModel) trainer.train(dataset);
        ImmutableOutputInfo<Label> labels = model.getOutputIDInfo();
        OnnxMl.ModelProto proto = model.exportONNXModel("dev.streamingblocks.examples.fraud", 1L);
        // Tribuo's provenance (in the doc string and a metadata entry) holds the training time: left out.
        OnnxMl.ModelProto.Builder reproducible = proto.toBuilder()
                .clearMetadataProps()
                .setDocString("Logistic regression over dev.streamingblocks.fraud.model.TransactionFeatures "
                        + TransactionFeatures.NAMES + "; Tribuo " + org.tribuo.Tribuo.VERSION);
        for (OnnxMl.StringStringEntryProto entry : proto.getMetadataPropsList()) {
            if (!entry.getKey().equals(ONNXExportable.PROVENANCE_METADATA_FIELD)) {
                reproducible.addMetadataProps(entry);
            }
        }
        return reproducible
                .addMetadataProps(property(FraudModel.SCORE_COLUMN_METADATA, Integer.toString(labels.getID(FRAUD))))
                .addMetadataProps(property(
                        "trained_by",
                        FraudModelTrainer.class.getName() + " seed=" + seed + " transactions=" + data.size()
                                + " fraud_every=" + FRAUD_EVERY + " epochs=" + EPOCHS))
                .build()
                .toByteArray();
    }

    /** The shipped model, from the documented seed and sizes. */
    public static byte[] trainShippedModel() {
        return train(label(transactions(SEED, TRANSACTIONS)), SEED);
    }

    private static OnnxMl.StringStringEntryProto property(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder()
                .setKey(key)
                .setValue(value)
                .build();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: FraudModelTrainer <model.onnx to write>");
            System.exit(2);
        }
        System.out.printf("generating %d transactions (seed %d, a burst every %d)%n", TRANSACTIONS, SEED, FRAUD_EVERY);
        List<Labelled> data = label(transactions(SEED, TRANSACTIONS));
        long fraud = data.stream().filter(Labelled::fraud).count();
        System.out.printf("features computed: %d transactions, %d in bursts%n", data.size(), fraud);
        byte[] model = train(data, SEED);
        Path out = Path.of(args[0]);
        Files.write(out, model);
        System.out.printf("wrote %s (%d bytes)%n", out, model.length);
    }
}
