package dev.streamingblocks.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.streamingblocks.fraud.model.FraudModel;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.rules.ModelSpec;
import dev.streamingblocks.fraud.testutils.OnnxModels;
import dev.streamingblocks.fraud.testutils.TribuoModels;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loading, checking and scoring ONNX models with ONNX Runtime. */
class FraudModelTest {

    private static final String EXPECTED = "one float input of shape [N, 7] [f0_log_amount, f1_minute_count, "
            + "f2_log_minute_sum, f3_hour_count, f4_log_hour_sum, f5_log_seconds_since_previous, "
            + "f6_amount_to_mean] and one float output of shape [N, 1] or [N, 2] with the fraud score in the "
            + "last column (or the column named by metadata 'fraud_score_column')";

    @Test
    void onnxRuntimeScoresEqualTribuosOwnPredictionsToTheFloat() throws Exception {
        TribuoModels.Trained trained = TribuoModels.train(7L);
        List<float[]> vectors = trained.vectors();
        try (FraudModel model = FraudModel.load(bytes("tribuo-7", trained.onnx()))) {
            float[][] batch = vectors.toArray(new float[0][]);
            float[] batchScores = model.score(batch);
            int fraudLike = 0;
            for (int i = 0; i < vectors.size(); i++) {
                float onnx = model.score(vectors.get(i));
                double tribuo = trained.fraudProbability(vectors.get(i));
                // Tribuo computes in double, ONNX Runtime in float: the softmax's exp of a logit near
                // -20 carries the logit's float rounding (a few 1e-7 relative) into the probability.
                assertThat(onnx).as("vector %d", i).isCloseTo((float) tribuo, withinPercentage(0.001));
                assertThat(onnx > 0.5f)
                        .as("vector %d decided as Tribuo does", i)
                        .isEqualTo(tribuo > 0.5);
                assertThat(batchScores[i]).as("vector %d in a batch", i).isEqualTo(onnx);
                if (onnx > 0.5f) {
                    fraudLike++;
                }
            }
            assertThat(fraudLike).as("vectors the model calls fraud").isBetween(20, 40);
        }
    }

    @Test
    void aLinearModelScoresItsDotProduct() throws Exception {
        try (FraudModel model =
                FraudModel.load(bytes("v1", OnnxModels.linear(new float[] {1, 2, 0, 0, 0, 0, -1}, 0.5f)))) {
            assertThat(model.score(new float[] {1, 2, 3, 4, 5, 6, 7})).isEqualTo(1 + 4 - 7 + 0.5f);
            assertThat(model.version()).isEqualTo("v1");
        }
    }

    @Test
    void batchesOfAnySizeScoreAsSingleVectorsDoAlsoForAModelThatTakesOneRowAtATime() throws Exception {
        float[] weights = {1, 2, 0, 0, 0, 0, -1};
        float[][] vectors = new float[70][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = new float[] {i, i % 7, 1, 2, 3, 4, i % 5};
        }
        try (FraudModel batched = FraudModel.load(bytes("b", OnnxModels.linear(weights, 0.5f)));
                FraudModel oneRow = FraudModel.load(bytes("o", OnnxModels.linearForOneRowAtATime(weights, 0.5f)))) {
            assertThat(batched.batches()).isTrue();
            assertThat(oneRow.batches()).isFalse();
            for (int count : new int[] {64, 3, 70, 1, 5}) { // the reused input buffer grows and shrinks
                float[] expected = new float[count];
                for (int i = 0; i < count; i++) {
                    expected[i] = vectors[i][0] + 2 * vectors[i][1] - vectors[i][6] + 0.5f;
                    assertThat(batched.score(vectors[i])).isEqualTo(expected[i]);
                }
                assertThat(batched.score(vectors, count))
                        .as("batch of %d", count)
                        .containsExactly(expected);
                assertThat(oneRow.score(vectors, count))
                        .as("one row at a time, %d", count)
                        .containsExactly(expected);
            }
        }
    }

    @Test
    void aMissingFileFailsNamingThePathAndTheExpectedModel() {
        String path = Path.of("target", "no-such-model.onnx").toString();
        assertThatThrownBy(() -> FraudModel.load(new ModelSpec("v9", path, null, 0.5)))
                .isInstanceOf(FraudModel.InvalidModelException.class)
                .hasMessageStartingWith("Model '" + path + "' (version 'v9') does not load (")
                .hasMessageEndingWith("); expected an ONNX model with " + EXPECTED);
    }

    @Test
    void bytesThatAreNoModelFailNamingTheSizeAndTheExpectedModel() {
        assertThatThrownBy(() -> FraudModel.load(bytes("v2", new byte[] {1, 2, 3})))
                .isInstanceOf(FraudModel.InvalidModelException.class)
                .hasMessageStartingWith("Model of 3 bytes (version 'v2') does not load (")
                .hasMessageEndingWith("); expected an ONNX model with " + EXPECTED);
    }

    @Test
    void aModelOverOtherFeaturesIsRefusedNamingItsShape() {
        byte[] three = OnnxModels.linear(new float[] {1, 1, 1}, 0f, 3, Map.of());
        assertThatThrownBy(() -> FraudModel.load(bytes("v3", three)))
                .isInstanceOf(FraudModel.InvalidModelException.class)
                .hasMessage("Model of " + three.length + " bytes (version 'v3') does not fit the transaction "
                        + "features: it has inputs [features: FLOAT[-1, 3]] and outputs [score: FLOAT[-1, 1]]; "
                        + "expected " + EXPECTED);
    }

    @Test
    void aScoreColumnTheOutputDoesNotHaveIsRefused() {
        byte[] model = OnnxModels.linear(
                new float[TransactionFeatures.COUNT],
                0f,
                TransactionFeatures.COUNT,
                Map.of(FraudModel.SCORE_COLUMN_METADATA, "1"));
        assertThatThrownBy(() -> FraudModel.load(bytes("v4", model)))
                .isInstanceOf(FraudModel.InvalidModelException.class)
                .hasMessage("Model of " + model.length + " bytes (version 'v4') names score column '1' in "
                        + "metadata 'fraud_score_column', but its output has 1 columns; expected an ONNX model with "
                        + EXPECTED);
    }

    private static ModelSpec bytes(String version, byte[] model) {
        return new ModelSpec(version, null, ByteBuffer.wrap(model), 0.5);
    }
}
