package dev.streamingblocks.kafka.source.internal;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.EitherSerializer;
import org.apache.flink.types.Either;

/**
 * The type of the envelope between {@code TypedKafkaSource}'s Kafka source and its {@link
 * DeadLetterSplitter}, whose serializer hands the envelope over instead of deep-copying it.
 *
 * <p>Without object reuse, Flink copies every record passed between chained operators, so that one
 * operator cannot see another mutate it. On this edge that copy protects nothing: the source builds
 * a new envelope and value for every record and never touches them again, and the splitter, the
 * only consumer, unwraps the envelope without changing it or keeping it. The copy (an Avro deep copy
 * of every good record) was a fifth of the pipeline's time. The value is still copied (or serialized)
 * on its way from the splitter to the user's operators, as Flink's contract says. Serialization,
 * should the two ever not be chained, is Flink's own.
 */
public final class SourceEnvelopeTypeInfo<L, R> extends EitherTypeInfo<L, R> {

    private static final long serialVersionUID = 1L;

    public SourceEnvelopeTypeInfo(TypeInformation<L> leftType, TypeInformation<R> rightType) {
        super(leftType, rightType);
    }

    @Override
    public TypeSerializer<Either<L, R>> createSerializer(SerializerConfig config) {
        return new HandOverSerializer<>(
                getLeftType().createSerializer(config), getRightType().createSerializer(config));
    }

    /** Flink's Either serializer, except that a copy is the record itself. */
    static final class HandOverSerializer<L, R> extends EitherSerializer<L, R> {

        private static final long serialVersionUID = 1L;

        HandOverSerializer(TypeSerializer<L> leftSerializer, TypeSerializer<R> rightSerializer) {
            super(leftSerializer, rightSerializer);
        }

        @Override
        public Either<L, R> copy(Either<L, R> from) {
            return from;
        }

        @Override
        public Either<L, R> copy(Either<L, R> from, Either<L, R> reuse) {
            return from;
        }

        @Override
        public TypeSerializer<Either<L, R>> duplicate() {
            return new HandOverSerializer<>(
                    getLeftSerializer().duplicate(), getRightSerializer().duplicate());
        }
    }
}
