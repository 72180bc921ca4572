package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.fraud.rules.FraudRule;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Rule updates apply from the moment they arrive; they carry no event time, so the rules input is
 * idle for good and the detector's watermark is the transactions' alone. Without this, the
 * detector's watermark (the minimum of its active inputs) would wait for a rules topic that is
 * usually silent, and no window would ever close.
 *
 * <p>The rules input must not emit a watermark of its own either: a maximal one would become the
 * detector's watermark whenever the transactions input is idle (a pause longer than the source's
 * idle timeout, or a job started before any data), and every transaction after it would be late.
 */
public final class RulesDoNotHoldEventTime implements WatermarkGenerator<FraudRule> {

    @Override
    public void onEvent(FraudRule event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.markIdle();
    }
}
