package dev.streamingblocks.fraud.testutils;

import ai.onnx.proto.OnnxMl;
import dev.streamingblocks.fraud.model.FraudModel;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.model.UserFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** A small logistic regression trained with Tribuo on {@link UserFeatures} vectors, exported to ONNX. */
public final class TribuoModels {

    public static final Label FRAUD = new Label("fraud");
    public static final Label LEGIT = new Label("legit");

    private TribuoModels() {}

    /** A trained model and the vectors it was trained on. */
    public record Trained(LinearSGDModel model, List<float[]> vectors) {

        /** The model as ONNX, with the fraud label's column in {@link FraudModel#SCORE_COLUMN_METADATA}. */
        public byte[] onnx() {
            OnnxMl.ModelProto proto = model.exportONNXModel("dev.streamingblocks.tests", 1L);
            return proto.toBuilder()
                    .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                            .setKey(FraudModel.SCORE_COLUMN_METADATA)
                            .setValue(Integer.toString(model.getOutputIDInfo().getID(FRAUD))))
                    .build()
                    .toByteArray();
        }

        /** Tribuo's own probability of fraud for a vector. */
        public double fraudProbability(float[] vector) {
            return model.predict(example(LEGIT, vector))
                    .getOutputScores()
                    .get(FRAUD.getLabel())
                    .getScore();
        }
    }

    /**
     * Trains on a deterministic mix: users with amounts up to $500 at random gaps, and every tenth
     * user a quick burst of large amounts, labelled fraud.
     */
    public static Trained train(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        MutableDataset<Label> data = new MutableDataset<>(
                new SimpleDataSourceProvenance("TribuoModels", new LabelFactory()), new LabelFactory());
        List<float[]> vectors = new ArrayList<>();
        for (int user = 0; user < 60; user++) {
            UserFeatures features = new UserFeatures();
            long time = 0;
            boolean fraudster = user % 10 == 0;
            for (int i = 0; i < 20; i++) {
                boolean burst = fraudster && i >= 15;
                time += burst ? 100 : random.nextLong(1_000, 600_000);
                double amount = burst ? 1500 + i : Math.round(random.nextDouble(1, 500) * 100) / 100.0;
                float[] vector = features.add(time, amount);
                vectors.add(vector);
                data.add(example(burst ? FRAUD : LEGIT, vector));
            }
        }
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 10, seed);
        return new Trained((LinearSGDModel) trainer.train(data), vectors);
    }

    public static ArrayExample<Label> example(Label label, float[] vector) {
        String[] names = TransactionFeatures.NAMES.toArray(new String[0]);
        double[] values = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            values[i] = vector[i];
        }
        return new ArrayExample<>(label, names, values);
    }
}
