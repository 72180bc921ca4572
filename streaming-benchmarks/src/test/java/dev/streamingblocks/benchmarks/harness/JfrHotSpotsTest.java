package dev.streamingblocks.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JfrHotSpotsTest {

    @Test
    void aJdkLeafCountsForTheComponentThatCalledIt() {
        assertThat(JfrHotSpots.category(List.of(
                        "java.lang.StringLatin1.hashCode",
                        "java.lang.String.hashCode",
                        "org.apache.flink.runtime.state.heap.CopyOnWriteStateMap.compositeHash",
                        "org.apache.flink.streaming.runtime.tasks.StreamTask.processInput")))
                .isEqualTo("window operator, heap state, timers");
    }

    @Test
    void aBoundaryAnywhereInTheStackWinsOverTheLeafsPackage() {
        // Avro's encoder under Flink's AvroSerializer is the keyBy's network serialization, not a decode
        assertThat(JfrHotSpots.category(List.of(
                        "org.apache.avro.io.BinaryEncoder.writeString",
                        "org.apache.flink.formats.avro.typeutils.AvroSerializer.serialize",
                        "org.apache.flink.runtime.io.network.api.writer.RecordWriter.emit")))
                .isEqualTo("records across keyBy: Avro/Flink serializers, network buffers");
        assertThat(JfrHotSpots.category(List.of(
                        "org.apache.avro.generic.GenericData.deepCopyRaw",
                        "org.apache.avro.generic.GenericData.deepCopy",
                        "org.apache.flink.streaming.runtime.tasks.CopyingChainingOutput.pushToOperator")))
                .isEqualTo("copy of each record between chained operators (object reuse off)");
        assertThat(JfrHotSpots.category(List.of("java.lang.Object.hashCode", "java.lang.Thread.run")))
                .isEqualTo("other (JDK frames only)");
    }
}
