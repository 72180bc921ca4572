package dev.streamingblocks.kafka.admin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * One open transaction as the transaction coordinator describes it.
 *
 * @param transactionalId the producer's transactional id
 * @param state           ONGOING, PREPARE_COMMIT, PREPARE_ABORT or PREPARE_EPOCH_FENCE
 * @param producerId      the producer id holding the transaction
 * @param producerEpoch   its epoch
 * @param startTime       when the transaction began, if the coordinator knows
 * @param partitions      the partitions it wrote to, sorted by topic and partition
 */
public record LingeringTransaction(
        String transactionalId,
        TransactionState state,
        long producerId,
        int producerEpoch,
        Optional<Instant> startTime,
        List<TopicPartition> partitions) {}
