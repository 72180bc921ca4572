package dev.streamingblocks.cdc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

class LatestVersionJoinBuilderTest {

    static LatestVersionJoin.Builder<String, String, Product, String> complete() {
        return LatestVersionJoin.<String, String, Product, String>builder()
                .setName("enrich")
                .setKeyType(Types.STRING)
                .setLeftKey(order -> order)
                .setRightKey(Product::id)
                .setJoinFunction((order, product) -> order + product.name())
                .setOutputType(Types.STRING);
    }

    @Test
    void eachMissingPropertyIsNamed() {
        assertThatThrownBy(() -> complete().setName(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be set (it is the operator's uid)");
        assertThatThrownBy(() -> complete().setKeyType(null).build()).hasMessage("keyType must be set");
        assertThatThrownBy(() -> complete().setLeftKey(null).build()).hasMessage("leftKey must be set");
        assertThatThrownBy(() -> complete().setRightKey(null).build()).hasMessage("rightKey must be set");
        assertThatThrownBy(() -> complete().setJoinFunction(null).build()).hasMessage("joinFunction must be set");
        assertThatThrownBy(() -> complete().setOutputType(null).build()).hasMessage("outputType must be set");
    }
}
