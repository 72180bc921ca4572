package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.fraud.rules.FraudRule;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Rule updates apply from the moment they arrive; they carry no event time. Without this, the
 * detector's watermark (the minimum of both inputs) would wait for a rules topic that is usually
 * silent, and no window would ever close.
 */
public final class RulesDoNotHoldEventTime implements WatermarkGenerator<FraudRule> {

    @Override
    public void onEvent(FraudRule event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(Long.MAX_VALUE));
    }
}
