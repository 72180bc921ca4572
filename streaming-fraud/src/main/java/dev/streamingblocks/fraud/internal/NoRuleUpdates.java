package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * An empty rules stream derived from the transactions, for jobs without a rules topic: it needs
 * no extra source and ends when the transactions end.
 */
public final class NoRuleUpdates implements FlatMapFunction<Transaction, FraudRule> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Transaction value, Collector<FraudRule> out) {}
}
