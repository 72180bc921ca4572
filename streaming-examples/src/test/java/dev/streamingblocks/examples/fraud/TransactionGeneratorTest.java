package dev.streamingblocks.examples.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TransactionGeneratorTest {

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    @Test
    void sameSeedGivesTheSameTransactions() {
        List<Transaction> a = new TransactionGenerator(7, BEGINNING, Duration.ofMillis(100), 50).next(300);
        List<Transaction> b = new TransactionGenerator(7, BEGINNING, Duration.ofMillis(100), 50).next(300);
        assertThat(a).isEqualTo(b);
        assertThat(new TransactionGenerator(8, BEGINNING, Duration.ofMillis(100), 50).next(300))
                .isNotEqualTo(a);
    }

    @Test
    void eachBurstIsThreeLargeTransactionsOfOneUserInOneMinuteAndNothingElseIsLarge() {
        // spacing 590 ms puts burst starts close to minute boundaries, so some must be moved forward.
        TransactionGenerator generator = new TransactionGenerator(3, BEGINNING, Duration.ofMillis(590), 100);
        List<Transaction> txs = generator.next(2000);
        Map<String, List<Transaction>> large = txs.stream()
                .filter(t -> t.getAmount() > FraudRules.LARGE_AMOUNT)
                .collect(Collectors.groupingBy(Transaction::getUserId));
        assertThat(generator.bursts()).isEqualTo(large.size()).isEqualTo(19);
        for (List<Transaction> burst : large.values()) {
            assertThat(burst).hasSize(FraudRules.MIN_LARGE_TRANSACTIONS);
            assertThat(burst)
                    .extracting(t -> t.getTimestamp().toEpochMilli() / 60_000)
                    .containsOnly(burst.get(0).getTimestamp().toEpochMilli() / 60_000);
        }
        assertThat(txs)
                .filteredOn(t -> t.getAmount() <= FraudRules.LARGE_AMOUNT)
                .allMatch(t -> t.getAmount() <= TransactionGenerator.MAX_ORDINARY_AMOUNT);
    }

    @Test
    void acrossPlacementPutsBurstsNearABoundaryAcrossItTwoBeforeAndOneAfter() {
        TransactionGenerator generator = new TransactionGenerator(
                3,
                BEGINNING,
                Duration.ofMillis(100),
                37,
                TransactionGenerator.BurstPlacement.ACROSS_NEAR_MINUTE_BOUNDARIES);
        List<Transaction> txs = generator.next(8000);
        Map<String, List<Transaction>> bursts = txs.stream()
                .filter(t -> t.getAmount() > FraudRules.LARGE_AMOUNT)
                .collect(Collectors.groupingBy(Transaction::getUserId));
        List<List<Long>> straddling = bursts.values().stream()
                .map(b -> b.stream()
                        .map(t -> t.getTimestamp().toEpochMilli() % 60_000)
                        .toList())
                .filter(offsets -> offsets.get(0) > offsets.get(2))
                .toList();
        assertThat(bursts).hasSize(205);
        assertThat(generator.straddlingBursts()).isEqualTo(straddling.size()).isEqualTo(12);
        assertThat(straddling).containsOnly(List.of(59_850L, 59_950L, 50L));
    }

    @Test
    void noBurstsWhenFraudEveryIsZero() {
        TransactionGenerator generator = new TransactionGenerator(3, BEGINNING, Duration.ofMillis(100), 0);
        assertThat(generator.next(1000)).noneMatch(t -> t.getAmount() > FraudRules.LARGE_AMOUNT);
        assertThat(generator.bursts()).isZero();
    }
}
