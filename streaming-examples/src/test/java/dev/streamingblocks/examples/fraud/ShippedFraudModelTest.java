package dev.streamingblocks.examples.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.fraud.rules.FraudRule;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The committed model is what its documented command makes: same seed, same bytes. */
class ShippedFraudModelTest {

    @Test
    void retrainingWithTheDocumentedSeedGivesTheCommittedModelByteForByte() throws Exception {
        byte[] committed;
        try (InputStream in = FraudJob.class.getResourceAsStream(FraudJob.SHIPPED_MODEL_RESOURCE)) {
            committed = in.readAllBytes();
        }
        assertThat(FraudModelTrainer.trainShippedModel()).isEqualTo(committed);
    }

    @Test
    void theShippedRuleCarriesTheModelAndAVersionFromItsHash() {
        FraudRule rule = FraudJob.shippedModelRule(0.5);
        assertThat(rule.getRuleId()).isEqualTo(FraudJob.MODEL_RULE_ID);
        assertThat(rule.getModel().getVersion()).matches("fraud-model\\.onnx@[0-9a-f]{12}");
        assertThat(rule.getModel().getScoreThreshold()).isEqualTo(0.5);
        assertThat(rule.getModel().getPath()).isNull();
    }
}
