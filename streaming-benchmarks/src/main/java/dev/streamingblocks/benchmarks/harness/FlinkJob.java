package dev.streamingblocks.benchmarks.harness;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

/** A submitted Flink job (DataStream or Table API) as a {@link Running} variant. */
public final class FlinkJob implements Running {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final JobClient client;
    private final CompletableFuture<?> result;

    public FlinkJob(JobClient client) {
        this.client = client;
        this.result = client.getJobExecutionResult();
    }

    @Override
    public boolean finished() {
        return result.isDone();
    }

    @Override
    public Throwable failure() {
        if (!result.isCompletedExceptionally()) {
            return null;
        }
        try {
            result.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    /** Cancels the job unless it ended, and waits for its end. */
    @Override
    public void close() throws Exception {
        if (!result.isDone()) {
            try {
                client.cancel().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // The job may end between the check and the cancel; a local MiniCluster then shuts down
                // and refuses the cancel. Only a job that is still running makes that an error.
                awaitEnd();
                if (!result.isDone()) {
                    throw e;
                }
            }
        }
        awaitEnd();
    }

    private void awaitEnd() {
        try {
            result.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // cancelled or failed: failure() tells which
        }
    }
}
