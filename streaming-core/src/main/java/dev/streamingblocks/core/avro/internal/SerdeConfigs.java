package dev.streamingblocks.core.avro.internal;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Helpers for carrying a serde's configuration map inside a serializable Flink schema. */
public final class SerdeConfigs {

    private SerdeConfigs() {}

    /**
     * A serializable copy of {@code config}.
     *
     * @throws IllegalArgumentException naming the key whose value is not serializable
     */
    public static HashMap<String, Object> serializableCopy(Map<String, ?> config) {
        Objects.requireNonNull(config, "config");
        HashMap<String, Object> copy = new HashMap<>();
        for (Map.Entry<String, ?> entry : config.entrySet()) {
            Object value = entry.getValue();
            if (value != null && !(value instanceof Serializable)) {
                throw new IllegalArgumentException("Configuration '"
                        + entry.getKey()
                        + "' has a value of type "
                        + value.getClass().getName()
                        + " that is not Serializable; a Flink schema ships its configuration to the task"
                        + " managers, so pass a String or another Serializable value");
            }
            copy.put(entry.getKey(), value);
        }
        return copy;
    }
}
