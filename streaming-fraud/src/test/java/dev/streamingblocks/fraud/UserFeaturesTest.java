package dev.streamingblocks.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.model.UserFeatures;
import org.junit.jupiter.api.Test;

/** The feature vectors, exactly, as transactions enter and leave the minute and the hour. */
class UserFeaturesTest {

    private static final long S = 1000;

    @Test
    void windowsSlideWithEachTransactionAndEndsAreInclusive() {
        UserFeatures f = new UserFeatures();

        assertThat(f.add(0, 100)).containsExactly(vector(100, 1, 100, 1, 100, 3600, 1));
        assertThat(f.add(30 * S, 300)).containsExactly(vector(300, 2, 400, 2, 400, 30, 3));
        // (0, 60 s]: the first transaction has left the minute, not the hour
        assertThat(f.add(60 * S, 50)).containsExactly(vector(50, 2, 350, 3, 450, 30, 0.25));
        assertThat(f.add(60 * S, 10)).containsExactly(vector(10, 3, 360, 4, 460, 0, 10 / 150.0));
        // an hour after 60 s both windows hold only the new one; the mean remembers all
        assertThat(f.add(3660 * S, 20)).containsExactly(vector(20, 1, 20, 1, 20, 3600, 20 / 115.0));
        assertThat(f.timestamps).containsExactly(3660 * S);
        assertThat(f.expiresAt()).isEqualTo(7260 * S);
    }

    @Test
    void sumsRestartFromExactlyZeroWhenTheWindowsEmpty() {
        UserFeatures f = new UserFeatures();
        f.add(0, 0.1);
        f.add(1, 0.2);
        f.add(2, 0.3);
        float[] alone = f.add(2 + 3600 * S, 0.7);
        assertThat(f.minuteSum).isEqualTo(0.7);
        assertThat(f.hourSum).isEqualTo(0.7);
        assertThat(alone[2]).isEqualTo((float) Math.log1p(0.7));
    }

    @Test
    void anEarlierTransactionIsRefused() {
        UserFeatures f = new UserFeatures();
        f.add(10 * S, 1);
        assertThatThrownBy(() -> f.add(9 * S, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactions must arrive in event-time order: 9000 is before the previous 10000");
    }

    @Test
    void namesMatchTheVectorLength() {
        assertThat(TransactionFeatures.COUNT).isEqualTo(7);
        assertThat(new UserFeatures().add(0, 1)).hasSize(TransactionFeatures.COUNT);
    }

    static float[] vector(
            double amount,
            int minuteCount,
            double minuteSum,
            int hourCount,
            double hourSum,
            double secondsSincePrevious,
            double amountToMean) {
        return new float[] {
            (float) Math.log1p(amount),
            minuteCount,
            (float) Math.log1p(minuteSum),
            hourCount,
            (float) Math.log1p(hourSum),
            (float) Math.log1p(secondsSincePrevious),
            (float) amountToMean
        };
    }
}
