package dev.streamingblocks.kafka.internal;

import dev.streamingblocks.core.avro.registry.SchemaRegistryUnavailableException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a failure that says nothing about the record (a server away, a connection refused or timed
 * out, an interrupted task) from a data error. Sources and sinks never dead-letter or skip a record
 * for such a failure: they fail the job, whose restart strategy tries again.
 */
public final class TransientFailures {

    private TransientFailures() {}

    /** True if the failure or any of its causes is transient. */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException
                    || t instanceof RetriableException
                    || t instanceof ConnectException
                    || t instanceof SocketTimeoutException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }
}
