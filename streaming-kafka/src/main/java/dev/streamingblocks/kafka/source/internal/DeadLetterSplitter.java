package dev.streamingblocks.kafka.source.internal;

import dev.streamingblocks.kafka.source.DeadLetter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends good values downstream and dead letters to a side output. Stateless. */
public final class DeadLetterSplitter<T> extends ProcessFunction<Either<DeadLetter, T>, T> {

    private static final long serialVersionUID = 1L;

    /** The side output carrying dead letters. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", DeadLetter.TYPE_INFO);

    @Override
    public void processElement(Either<DeadLetter, T> element, Context ctx, Collector<T> out) {
        if (element.isRight()) {
            out.collect(element.right());
        } else {
            ctx.output(DEAD_LETTERS, element.left());
        }
    }
}
