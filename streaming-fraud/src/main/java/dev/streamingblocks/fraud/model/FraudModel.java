package dev.streamingblocks.fraud.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.streamingblocks.fraud.rules.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX model that scores {@link TransactionFeatures} vectors, with ONNX Runtime. One instance
 * holds one session and is used by one thread (one detector subtask); scoring reuses one direct
 * input buffer, so it is not thread-safe.
 *
 * <pre>{@code
 * try (FraudModel model = FraudModel.load(spec)) {  // spec: a model rule's ModelSpec
 *     float score = model.score(userFeatures.add(timestamp, amount));
 * }
 * }</pre>
 *
 * <p>The model must have the shape {@link #EXPECTED}; {@link #load} refuses any other with a
 * {@link InvalidModelException} naming the model, what it has and what was expected. Sessions use
 * one thread each (intra- and inter-op), so a TaskManager with n slots runs at most n scoring threads.
 */
public final class FraudModel implements AutoCloseable {

    /** Model metadata key naming the output column that holds the fraud score (default: the last). */
    public static final String SCORE_COLUMN_METADATA = "fraud_score_column";

    /** What {@link #load} accepts, as its error messages say. */
    public static final String EXPECTED = "one float input of shape [N, " + TransactionFeatures.COUNT + "] "
            + TransactionFeatures.NAMES + " and one float output of shape [N, 1] or [N, 2] with the fraud "
            + "score in the last column (or the column named by metadata '" + SCORE_COLUMN_METADATA + "')";

    private final String version;
    private final String source;
    private final OrtSession session;
    private final String inputName;
    private final int scoreColumn;
    /** Whether the model takes more than one row per run: not if its input has a fixed first dimension of 1. */
    private final boolean batches;

    private FloatBuffer one;
    private OnnxTensor oneTensor;
    /** The input of batch runs, reused and grown to the largest batch so far. */
    private FloatBuffer many;

    private FraudModel(
            String version, String source, OrtSession session, String inputName, int scoreColumn, boolean batches) {
        this.version = version;
        this.source = source;
        this.session = session;
        this.inputName = inputName;
        this.scoreColumn = scoreColumn;
        this.batches = batches;
    }

    /** Loads and checks the model a rule names. */
    public static FraudModel load(ModelSpec spec) {
        String source = describe(spec);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            if (spec.getPath() != null) {
                session = env.createSession(spec.getPath(), options);
            } else {
                ByteBuffer bytes = spec.getBytes().duplicate();
                byte[] model = new byte[bytes.remaining()];
                bytes.get(model);
                session = env.createSession(model, options);
            }
        } catch (OrtException | RuntimeException e) {
            throw new InvalidModelException(
                    "Model " + source + " does not load (" + e.getMessage() + "); expected an ONNX model with "
                            + EXPECTED,
                    e);
        }
        try {
            return check(spec.getVersion(), source, session);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof InvalidModelException invalid) {
                throw invalid;
            }
            throw new InvalidModelException(
                    "Model " + source + " cannot be inspected (" + e.getMessage() + "); expected an ONNX model with "
                            + EXPECTED,
                    e);
        }
    }

    private static FraudModel check(String version, String source, OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String has = "has inputs " + shapes(inputs) + " and outputs " + shapes(outputs);
        if (inputs.size() != 1 || outputs.size() != 1) {
            throw mismatch(source, has);
        }
        Map.Entry<String, NodeInfo> input = inputs.entrySet().iterator().next();
        if (!isFloatMatrix(input.getValue(), TransactionFeatures.COUNT)) {
            throw mismatch(source, has);
        }
        NodeInfo output = outputs.values().iterator().next();
        if (!isFloatMatrix(output, -1)) {
            throw mismatch(source, has);
        }
        long width = ((TensorInfo) output.getInfo()).getShape()[1];
        if (width != 1 && width != 2) {
            throw mismatch(source, has);
        }
        Optional<String> named = session.getMetadata().getCustomMetadataValue(SCORE_COLUMN_METADATA);
        int column = (int) width - 1;
        if (named.isPresent()) {
            try {
                column = Integer.parseInt(named.get().trim());
            } catch (NumberFormatException e) {
                column = -1;
            }
            if (column < 0 || column >= width) {
                throw new InvalidModelException("Model " + source + " names score column '" + named.get()
                        + "' in metadata '" + SCORE_COLUMN_METADATA + "', but its output has " + width
                        + " columns; expected an ONNX model with " + EXPECTED);
            }
        }
        boolean batches = ((TensorInfo) input.getValue().getInfo()).getShape()[0] != 1;
        return new FraudModel(version, source, session, input.getKey(), column, batches);
    }

    private static boolean isFloatMatrix(NodeInfo node, int columns) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            return false;
        }
        long[] shape = tensor.getShape();
        return shape.length == 2 && (columns < 0 || shape[1] == columns);
    }

    private static InvalidModelException mismatch(String source, String has) {
        return new InvalidModelException(
                "Model " + source + " does not fit the transaction features: it " + has + "; expected " + EXPECTED);
    }

    private static String shapes(Map<String, NodeInfo> nodes) {
        StringBuilder s = new StringBuilder("[");
        for (NodeInfo node : nodes.values()) {
            if (s.length() > 1) {
                s.append(", ");
            }
            s.append(node.getName()).append(": ");
            if (node.getInfo() instanceof TensorInfo tensor) {
                s.append(tensor.type).append(java.util.Arrays.toString(tensor.getShape()));
            } else {
                s.append(node.getInfo());
            }
        }
        return s.append(']').toString();
    }

    /** How messages name a model: its path, or its size and version when it came as bytes. */
    public static String describe(ModelSpec spec) {
        if (spec.getPath() != null) {
            return "'" + spec.getPath() + "' (version '" + spec.getVersion() + "')";
        }
        int size = spec.getBytes() == null ? 0 : spec.getBytes().remaining();
        return "of " + size + " bytes (version '" + spec.getVersion() + "')";
    }

    public String version() {
        return version;
    }

    /** Whether {@link #score(float[][], int)} runs the model once per batch rather than once per vector. */
    public boolean batches() {
        return batches;
    }

    /** The path or size the model came from, as in messages. */
    public String source() {
        return source;
    }

    /** The fraud score of one vector; NaN or infinite if the model computes so. */
    public float score(float[] features) throws OrtException {
        if (oneTensor == null) {
            one = ByteBuffer.allocateDirect(TransactionFeatures.COUNT * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            oneTensor = OnnxTensor.createTensor(
                    OrtEnvironment.getEnvironment(), one, new long[] {1, TransactionFeatures.COUNT});
        }
        one.clear();
        one.put(checked(features));
        try (OrtSession.Result result = session.run(Collections.singletonMap(inputName, oneTensor))) {
            return ((float[][]) result.get(0).getValue())[0][scoreColumn];
        }
    }

    /** The fraud scores of several vectors in one call of the model. */
    public float[] score(float[][] batch) throws OrtException {
        return score(batch, batch.length);
    }

    /**
     * The fraud scores of the first {@code count} vectors, in one run of the model: ONNX Runtime's
     * cost is mostly per run, so a batch of 64 costs little more than one vector (docs/benchmarks.md).
     * A model whose input has a fixed batch dimension of 1 is run once per vector instead. The
     * input buffer is reused across calls.
     */
    public float[] score(float[][] batch, int count) throws OrtException {
        float[] scores = new float[count];
        if (count == 1 || !batches) {
            for (int i = 0; i < count; i++) {
                scores[i] = score(batch[i]);
            }
            return scores;
        }
        int floats = count * TransactionFeatures.COUNT;
        if (many == null || many.capacity() < floats) {
            many = ByteBuffer.allocateDirect(floats * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        many.clear();
        for (int i = 0; i < count; i++) {
            many.put(checked(batch[i]));
        }
        many.flip();
        try (OnnxTensor tensor = OnnxTensor.createTensor(
                        OrtEnvironment.getEnvironment(), many, new long[] {count, TransactionFeatures.COUNT});
                OrtSession.Result result = session.run(Collections.singletonMap(inputName, tensor))) {
            float[][] out = (float[][]) result.get(0).getValue();
            for (int i = 0; i < count; i++) {
                scores[i] = out[i][scoreColumn];
            }
            return scores;
        }
    }

    private static float[] checked(float[] features) {
        if (features.length != TransactionFeatures.COUNT) {
            throw new IllegalArgumentException(
                    "expected " + TransactionFeatures.COUNT + " features, got " + features.length);
        }
        return features;
    }

    @Override
    public void close() throws OrtException {
        if (oneTensor != null) {
            oneTensor.close();
        }
        session.close();
    }

    /** A model that does not load or does not fit the features. */
    public static final class InvalidModelException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InvalidModelException(String message) {
            super(message);
        }

        public InvalidModelException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
