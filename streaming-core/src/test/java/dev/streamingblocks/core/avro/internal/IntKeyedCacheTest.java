package dev.streamingblocks.core.avro.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntKeyedCacheTest {

    @Test
    void storesAndFindsValuesForAnyIntKey() {
        IntKeyedCache<String> cache = new IntKeyedCache<>(100);
        int[] keys = {0, 1, -1, 42, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 16, 17, 33};

        for (int key : keys) {
            cache.put(key, "v" + key);
        }

        for (int key : keys) {
            assertThat(cache.get(key)).isEqualTo("v" + key);
        }
        assertThat(cache.get(2)).isNull();
        assertThat(cache.size()).isEqualTo(keys.length);
    }

    @Test
    void replacingAKeyKeepsTheSize() {
        IntKeyedCache<String> cache = new IntKeyedCache<>(10);
        cache.put(5, "a");
        cache.put(5, "b");

        assertThat(cache.get(5)).isEqualTo("b");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void startsOverWhenFullSoMemoryStaysBounded() {
        IntKeyedCache<Integer> cache = new IntKeyedCache<>(3);
        for (int i = 1; i <= 3; i++) {
            cache.put(i, i);
        }

        cache.put(4, 4);

        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.get(4)).isEqualTo(4);
        assertThat(cache.get(1)).isNull();
    }

    @Test
    void growsBeyondItsInitialCapacity() {
        IntKeyedCache<Integer> cache = new IntKeyedCache<>(1000);
        for (int i = 0; i < 500; i++) {
            cache.put(i * 7919, i);
        }
        for (int i = 0; i < 500; i++) {
            assertThat(cache.get(i * 7919)).isEqualTo(i);
        }
    }
}
