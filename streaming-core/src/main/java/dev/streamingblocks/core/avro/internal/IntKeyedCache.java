package dev.streamingblocks.core.avro.internal;

/**
 * A bounded map from int keys (schema ids) to values, read without locks or boxing. Writes copy
 * the table, which is fine because they happen once per schema id; when full, the table starts
 * over, which bounds memory for a stream that sees unboundedly many ids.
 */
public final class IntKeyedCache<V> {

    private final int maxSize;
    private volatile Table table = new Table(16);

    public IntKeyedCache(int maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1, got " + maxSize);
        }
        this.maxSize = maxSize;
    }

    /** The value for {@code key}, or {@code null}. */
    @SuppressWarnings("unchecked")
    public V get(int key) {
        Table t = table;
        int mask = t.keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            Object value = t.values[i];
            if (value == null) {
                return null;
            }
            if (t.keys[i] == key) {
                return (V) value;
            }
        }
    }

    public synchronized void put(int key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        Table old = table;
        boolean present = old.indexOf(key) >= 0;
        int size = present ? old.size : old.size + 1;
        Table next;
        if (size > maxSize) {
            next = new Table(16);
            size = 1;
        } else {
            int capacity = old.keys.length;
            while (size * 2 > capacity) {
                capacity <<= 1;
            }
            next = new Table(capacity);
            for (int i = 0; i < old.keys.length; i++) {
                if (old.values[i] != null && old.keys[i] != key) {
                    next.insert(old.keys[i], old.values[i]);
                }
            }
        }
        next.insert(key, value);
        next.size = size;
        table = next;
    }

    public int size() {
        return table.size;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static final class Table {
        final int[] keys;
        final Object[] values;
        int size;

        Table(int capacity) {
            keys = new int[capacity];
            values = new Object[capacity];
        }

        int indexOf(int key) {
            int mask = keys.length - 1;
            for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
                if (values[i] == null) {
                    return -1;
                }
                if (keys[i] == key) {
                    return i;
                }
            }
        }

        void insert(int key, Object value) {
            int mask = keys.length - 1;
            int i = mix(key) & mask;
            while (values[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = value;
        }
    }
}
