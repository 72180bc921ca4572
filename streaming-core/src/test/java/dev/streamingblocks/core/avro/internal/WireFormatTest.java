package dev.streamingblocks.core.avro.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.InvalidWireFormatException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void headerIsMagicZeroThenTheBigEndianId() {
        byte[] bytes = new byte[6];

        WireFormat.writeHeader(bytes, 0, 0x01020304);

        assertThat(bytes).containsExactly(0, 1, 2, 3, 4, 0);
        assertThat(WireFormat.readSchemaId(bytes, "record")).isEqualTo(0x01020304);
    }

    @Test
    void idsUseAllFourBytesUnsignedPerByte() {
        byte[] bytes = new byte[5];
        WireFormat.writeHeader(bytes, 0, 0x00FF80FE);

        assertThat(WireFormat.readSchemaId(bytes, "record")).isEqualTo(0x00FF80FE);
    }

    @Test
    void badHeadersNameTheProblem() {
        assertThatThrownBy(() -> WireFormat.readSchemaId(new byte[] {(byte) 0xFF, 0, 0, 0, 1}, "key"))
                .isInstanceOf(InvalidWireFormatException.class)
                .hasMessage("Unknown magic byte 0xFF in Avro key: expected 0x00 (Confluent wire format)");
        assertThatThrownBy(() -> WireFormat.readSchemaId(new byte[] {0, 0, 0, 1}, "record"))
                .isInstanceOf(InvalidWireFormatException.class)
                .hasMessage("Avro record has 4 byte(s), fewer than the 5 bytes of the Confluent wire-format header"
                        + " (magic byte 0 and a 4-byte schema id)");
    }
}
