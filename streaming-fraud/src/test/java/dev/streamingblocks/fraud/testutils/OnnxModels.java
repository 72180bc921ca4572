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
        return linear(weights, bias, inputs, metadata, null);
    }

    /** A linear model whose input and output have a fixed first dimension of 1, as some exporters write. */
    public static byte[] linearForOneRowAtATime(float[] weights, float bias) {
        return linear(weights, bias, TransactionFeatures.COUNT, Map.of(), 1L);
    }

    /**
     * A model whose score is {@code table[(long) feature[index]]}: ONNX Runtime fails the whole run
     * ("indices element out of data bounds") when any row's feature is outside the table.
     */
    public static byte[] lookup(int index, float[] table) {
        float[] weights = new float[TransactionFeatures.COUNT];
        weights[index] = 1f;
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("lookup")
                .addInitializer(floats("weights", weights, TransactionFeatures.COUNT, 1))
                .addInitializer(floats("table", table, table.length))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("MatMul")
                        .addInput("features")
                        .addInput("weights")
                        .addOutput("feature"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Cast")
                        .addInput("feature")
                        .addOutput("indices")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("to")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(OnnxMl.TensorProto.DataType.INT64.getNumber())))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Gather")
                        .addInput("table")
                        .addInput("indices")
                        .addOutput("score"))
                .addInput(matrix("features", TransactionFeatures.COUNT, null))
                .addOutput(matrix("score", 1, null))
                .build();
        return model(graph, Map.of());
    }

    private static OnnxMl.TensorProto floats(String name, float[] values, long... dims) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addAllFloatData(boxed(values));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    private static byte[] model(OnnxMl.GraphProto graph, Map<String, String> metadata) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("streaming-blocks-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph);
        metadata.forEach((key, value) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build().toByteArray();
    }

    private static byte[] linear(
            float[] weights, float bias, int inputs, Map<String, String> metadata, Long fixedBatch) {
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
                .addInput(matrix("features", inputs, fixedBatch))
                .addOutput(matrix("score", 1, fixedBatch))
                .build();
        return model(graph, metadata);
    }

    private static OnnxMl.ValueInfoProto matrix(String name, int columns, Long fixedBatch) {
        OnnxMl.TensorShapeProto.Dimension rows = fixedBatch == null
                ? OnnxMl.TensorShapeProto.Dimension.newBuilder()
                        .setDimParam("N")
                        .build()
                : OnnxMl.TensorShapeProto.Dimension.newBuilder()
                        .setDimValue(fixedBatch)
                        .build();
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(rows)
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
