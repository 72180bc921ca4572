package dev.streamingblocks.fraud.rules;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds and checks {@link FraudRule}s, and holds the article's rule as constants.
 *
 * <pre>{@code
 * FraudRule article = FraudRules.articleRule();               // 3 x > $1000 in a 1-minute tumbling window
 * FraudRule anySpan = FraudRules.articleSlidingRule();        // the same in ANY 60-second span
 * FraudRule stricter = FraudRules.sliding("vip-bursts", "VIP_BURST", 5000.0, 2, Duration.ofMinutes(5));
 * FraudRule removal = FraudRules.deletion("vip-bursts");
 * FraudRule scored = FraudRules.model("fraud-model", "MODEL_SCORE", "2026-12-02", Path.of("fraud.onnx"), 0.9);
 * }</pre>
 *
 * <p>Amounts are dollars as a {@code double}, compared strictly: a transaction counts only if
 * {@code amount > amountThreshold}, so exactly 1000.00 does not count towards a 1000 rule.
 */
public final class FraudRules {

    /** The article's alert type. */
    public static final String HIGH_FREQUENCY_LARGE_TRANSACTIONS = "HIGH_FREQUENCY_LARGE_TRANSACTIONS";

    /** Amounts strictly above this count as large in the article's rule. */
    public static final double LARGE_AMOUNT = 1000.0;

    /** Large transactions per window that raise the article's alert. */
    public static final int MIN_LARGE_TRANSACTIONS = 3;

    /** The article's window. */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    public static final String ARTICLE_RULE_ID = "article-tumbling-1m";

    public static final String ARTICLE_SLIDING_RULE_ID = "article-sliding-1m";

    /** The alert type of {@link #model} rules that name none. */
    public static final String MODEL_SCORE = "MODEL_SCORE";

    private FraudRules() {}

    /** The article's rule: at least 3 transactions over $1000 in a 1-minute tumbling window. */
    public static FraudRule articleRule() {
        return tumbling(
                ARTICLE_RULE_ID, HIGH_FREQUENCY_LARGE_TRANSACTIONS, LARGE_AMOUNT, MIN_LARGE_TRANSACTIONS, WINDOW);
    }

    /** The article's rule over any 60-second span, so bursts across a minute boundary are caught. */
    public static FraudRule articleSlidingRule() {
        return sliding(
                ARTICLE_SLIDING_RULE_ID,
                HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                LARGE_AMOUNT,
                MIN_LARGE_TRANSACTIONS,
                WINDOW);
    }

    public static FraudRule tumbling(
            String ruleId, String alertType, double amountThreshold, int minCount, Duration window) {
        return rule(ruleId, alertType, WindowKind.TUMBLING, amountThreshold, minCount, window);
    }

    public static FraudRule sliding(
            String ruleId, String alertType, double amountThreshold, int minCount, Duration window) {
        return rule(ruleId, alertType, WindowKind.SLIDING, amountThreshold, minCount, window);
    }

    /** A rules-topic record that removes the rule {@code ruleId} and discards its open windows. */
    public static FraudRule deletion(String ruleId) {
        return FraudRule.newBuilder()
                .setRuleId(ruleId)
                .setAlertType("")
                .setWindowKind(WindowKind.TUMBLING)
                .setAmountThreshold(0.0)
                .setMinCount(1)
                .setWindowMillis(1L)
                .setDeleted(true)
                .build();
    }

    /**
     * A model rule: every transaction is scored by the ONNX model at {@code path} (a file each
     * TaskManager can read) and alerts when the score is strictly over {@code scoreThreshold}. A rule
     * update with the same id and another {@code version} swaps the model while the job runs.
     */
    public static FraudRule model(String ruleId, String alertType, String version, Path path, double scoreThreshold) {
        return model(
                ruleId, alertType, new ModelSpec(version, path == null ? null : path.toString(), null, scoreThreshold));
    }

    /** As {@link #model(String, String, String, Path, double)}, with the model itself in the rule. */
    public static FraudRule model(
            String ruleId, String alertType, String version, byte[] model, double scoreThreshold) {
        return model(
                ruleId,
                alertType,
                new ModelSpec(version, null, model == null ? null : ByteBuffer.wrap(model.clone()), scoreThreshold));
    }

    private static FraudRule model(String ruleId, String alertType, ModelSpec spec) {
        // The window fields are required by the schema and ignored for a model rule.
        FraudRule rule = FraudRule.newBuilder()
                .setRuleId(ruleId == null ? "" : ruleId)
                .setAlertType(alertType == null ? "" : alertType)
                .setWindowKind(WindowKind.SLIDING)
                .setAmountThreshold(0.0)
                .setMinCount(1)
                .setWindowMillis(WINDOW.toMillis())
                .setDeleted(false)
                .setModel(spec)
                .build();
        problem(rule).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return rule;
    }

    /** Whether the rule scores with a model rather than counting large transactions. */
    public static boolean isModelRule(FraudRule rule) {
        return rule.getModel() != null;
    }

    /** The rule's window as a duration. */
    public static Duration window(FraudRule rule) {
        return Duration.ofMillis(rule.getWindowMillis());
    }

    /** What is wrong with {@code rule}, naming the field, or empty if it can run. */
    public static Optional<String> problem(FraudRule rule) {
        if (rule == null) {
            return Optional.of("rule is null");
        }
        if (rule.getRuleId() == null || rule.getRuleId().isBlank()) {
            return Optional.of("rule_id must not be blank");
        }
        if (rule.getDeleted()) {
            return Optional.empty();
        }
        String where = "rule '" + rule.getRuleId() + "': ";
        if (rule.getAlertType() == null || rule.getAlertType().isBlank()) {
            return Optional.of(where + "alert_type must not be blank");
        }
        if (rule.getWindowKind() == null) {
            return Optional.of(where + "window_kind must be set");
        }
        if (rule.getMinCount() < 1) {
            return Optional.of(where + "min_count must be at least 1, was " + rule.getMinCount());
        }
        if (rule.getWindowMillis() < 1) {
            return Optional.of(where + "window_millis must be positive, was " + rule.getWindowMillis());
        }
        if (Double.isNaN(rule.getAmountThreshold())) {
            return Optional.of(where + "amount_threshold must be a number");
        }
        return rule.getModel() == null ? Optional.empty() : modelProblem(where, rule.getModel());
    }

    private static Optional<String> modelProblem(String where, ModelSpec model) {
        if (model.getVersion() == null || model.getVersion().isBlank()) {
            return Optional.of(where + "model.version must not be blank");
        }
        boolean hasPath = model.getPath() != null;
        boolean hasBytes = model.getBytes() != null;
        if (hasPath == hasBytes) {
            return Optional.of(
                    where + "model must have exactly one of path and bytes, has " + (hasPath ? "both" : "neither"));
        }
        if (hasPath && model.getPath().isBlank()) {
            return Optional.of(where + "model.path must not be blank");
        }
        if (hasBytes && !model.getBytes().hasRemaining()) {
            return Optional.of(where + "model.bytes must not be empty");
        }
        if (!Double.isFinite(model.getScoreThreshold())) {
            return Optional.of(
                    where + "model.score_threshold must be a finite number, was " + model.getScoreThreshold());
        }
        return Optional.empty();
    }

    private static FraudRule rule(
            String ruleId, String alertType, WindowKind kind, double amountThreshold, int minCount, Duration window) {
        if (window == null) {
            throw new IllegalArgumentException("window must be set for rule '" + ruleId + "'");
        }
        FraudRule rule = FraudRule.newBuilder()
                .setRuleId(ruleId == null ? "" : ruleId)
                .setAlertType(alertType == null ? "" : alertType)
                .setWindowKind(kind)
                .setAmountThreshold(amountThreshold)
                .setMinCount(minCount)
                .setWindowMillis(window.toMillis())
                .setDeleted(false)
                .build();
        problem(rule).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return rule;
    }
}
