package dev.streamingblocks.cdc.internal;

import dev.streamingblocks.cdc.ChangeRecord;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys a change record by its row's key. */
public final class ChangeRecordKeySelector<R, K> implements KeySelector<ChangeRecord<R>, K> {

    private static final long serialVersionUID = 1L;

    private final KeySelector<R, K> rowKey;

    public ChangeRecordKeySelector(KeySelector<R, K> rowKey) {
        this.rowKey = rowKey;
    }

    @Override
    public K getKey(ChangeRecord<R> change) throws Exception {
        return rowKey.getKey(change.row());
    }
}
