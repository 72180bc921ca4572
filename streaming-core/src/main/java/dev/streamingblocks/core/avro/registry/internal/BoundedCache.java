package dev.streamingblocks.core.avro.registry.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A size-bounded map that evicts the oldest insertion first. Reads are a plain {@link
 * ConcurrentHashMap#get}, with no lock, because they are the hot path of every record a serde
 * handles; only inserts touch the eviction queue. Under concurrent inserts the size may briefly
 * exceed the bound by the number of racing threads.
 */
public final class BoundedCache<K, V> {

    private final int capacity;
    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<K> insertionOrder = new ConcurrentLinkedQueue<>();

    public BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    public V get(K key) {
        return map.get(key);
    }

    public void put(K key, V value) {
        if (map.put(key, value) == null) {
            insertionOrder.add(key);
            while (map.size() > capacity) {
                K eldest = insertionOrder.poll();
                if (eldest == null) {
                    break;
                }
                map.remove(eldest);
            }
        }
    }

    public int size() {
        return map.size();
    }

    public int capacity() {
        return capacity;
    }
}
