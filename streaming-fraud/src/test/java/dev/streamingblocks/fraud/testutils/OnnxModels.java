package dev.streamingblocks.fraud.testutils;

import ai.onnx.proto.OnnxMl;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import java.util.Map;

/**
 * Hand-written ONNX models with a known score, {@code features · weights + bias}, so tests can read
 * a feature back from an alert's score, or make a model return NaN or infinity.
 */
public final class OnnxModels {

    private OnnxModels() {}

    /** A linear model over {@link TransactionFeatures#COUNT} features with one output column. */
    public static byte[] linear(float[] weights, float bias) {
        return linear(weights, bias, TransactionFeatures.COUNT, Map.of());
    }

    /** A model that scores exactly feature {@code index}. */
    public static byte[] feature(int index) {
        float[] weights = new float[TransactionFeatures.COUNT];
        weights[index] = 1f;
        return linear(weights, 0f);
    }

    /** A linear model over {@code inputs} features, with the given model metadata. */
    public static byte[] linear(float[] weights, float bias, int inputs, Map<String, String> metadata) {
        OnnxMl.TensorProto w = OnnxMl.TensorProto.newBuilder()
                .setName("weights")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addDims(inputs)
                .addDims(1)
                .addAllFloatData(boxed(weights))
                .build();
        OnnxMl.TensorProto b = OnnxMl.TensorProto.newBuilder()
                .setName("bias")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addDims(1)
                .addFloatData(bias)
                .build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("linear")
                .addInitializer(w)
                .addInitializer(b)
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("MatMul")
                        .addInput("features")
                        .addInput("weights")
                        .addOutput("product"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Add")
                        .addInput("product")
                        .addInput("bias")
                        .addOutput("score"))
                .addInput(matrix("features", inputs))
                .addOutput(matrix("score", 1))
                .build();
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("streaming-blocks-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph);
        metadata.forEach((key, value) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto matrix(String name, int columns) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
                .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }

    private static Iterable<Float> boxed(float[] values) {
        java.util.List<Float> list = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }
}
