package org.robustmri.mask;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Value description of a mask function (1-D column or 2-D), suitable for configs, logs and result tables.
 * Its string form is {@code mask[type=equispaced,acc=4|8,cf=0.08|0.04]} and {@link #parse}
 * reads it back.
 *
 * @param type             one of {@link MaskFunction#TYPES}
 * @param accelerations    one entry per choice
 * @param centerFractions  one entry per choice, same length as {@code accelerations}
 */
public record MaskSpec(String type, List<Double> accelerations, List<Double> centerFractions) {

    private static final Pattern FORM = Pattern.compile(
            "\\s*mask\\[\\s*type\\s*=\\s*([^,\\]]+?)\\s*,\\s*acc\\s*=\\s*([^,\\]]+?)\\s*,\\s*cf\\s*=\\s*([^,\\]]+?)\\s*]\\s*");

    public MaskSpec {
        Objects.requireNonNull(type, "type");
        MaskFunction.validate(accelerations, centerFractions);
        accelerations = List.copyOf(accelerations);
        centerFractions = List.copyOf(centerFractions);
        create(type, accelerations, centerFractions); // rejects unknown types and type-specific misuse early
    }

    /** Parses the {@link #toString()} form, e.g. {@code mask[type=random,acc=4|8,cf=0.08|0.04]}. */
    public static MaskSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot parse mask spec '" + text
                    + "'; expected e.g. mask[type=equispaced,acc=4|8,cf=0.08|0.04]");
        }
        return new MaskSpec(m.group(1), parseList(m.group(2), "acc", text), parseList(m.group(3), "cf", text));
    }

    /** A new mask function for this spec. */
    public MaskFunction create() {
        return create(type, accelerations, centerFractions);
    }

    @Override
    public String toString() {
        return "mask[type=" + type + ",acc=" + join(accelerations) + ",cf=" + join(centerFractions) + "]";
    }

    private static MaskFunction create(String type, List<Double> acc, List<Double> cf) {
        return MaskFunction.fromName(type, acc, cf);
    }

    private static List<Double> parseList(String joined, String field, String text) {
        List<Double> out = new ArrayList<>();
        for (String part : joined.split("\\|", -1)) {
            try {
                out.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad number '" + part + "' in " + field + " of mask spec '" + text + "'");
            }
        }
        return out;
    }

    private static String join(List<Double> values) {
        return values.stream().map(MaskSpec::formatNumber).collect(Collectors.joining("|"));
    }

    /** Shortest decimal form without a trailing ".0": 4.0 -> "4", 0.08 -> "0.08". */
    static String formatNumber(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
