package dev.streamingblocks.core.window.internal;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.types.Either;

/** The key of a partial, or the user's key of a record the pre-aggregation passed on. */
public final class PartialKeySelector<T, K, ACC> implements KeySelector<Either<WindowPartial<K, ACC>, T>, K> {

    private static final long serialVersionUID = 1L;

    private final KeySelector<T, K> key;

    public PartialKeySelector(KeySelector<T, K> key) {
        this.key = key;
    }

    @Override
    public K getKey(Either<WindowPartial<K, ACC>, T> value) throws Exception {
        return value.isLeft() ? value.left().key() : key.getKey(value.right());
    }
}
