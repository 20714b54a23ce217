package org.robustmri.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How a mixture weights its distributions, and how weights become whole slice counts. */
public sealed interface Weighting permits Weighting.Uniform, Weighting.Proportional, Weighting.Explicit {

    record Uniform() implements Weighting {
        @Override
        public String toString() {
            return "uniform";
        }
    }

    record Proportional() implements Weighting {
        @Override
        public String toString() {
            return "proportional";
        }
    }

    /** Explicit weights by distribution name (any positive scale; normalised). */
    record Explicit(Map<String, Double> weights) implements Weighting {
        public Explicit {
            weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        }

        @Override
        public String toString() {
            return weights.toString();
        }
    }

    static Weighting uniform() {
        return new Uniform();
    }

    static Weighting proportional() {
        return new Proportional();
    }

    static Weighting explicit(Map<String, Double> weights) {
        return new Explicit(weights);
    }

    /** Unnormalised weights of the components, in order; fails when one is missing, negative or all are zero. */
    default double[] rawWeights(List<Mixture.Component> components) {
        int k = components.size();
        double[] w = new double[k];
        if (this instanceof Uniform) {
            java.util.Arrays.fill(w, 1.0);
        } else if (this instanceof Proportional) {
            for (int i = 0; i < k; i++) w[i] = components.get(i).slices();
        } else {
            Map<String, Double> given = ((Explicit) this).weights();
            Set<String> names = new HashSet<>();
            for (Mixture.Component c : components) names.add(c.name());
            for (String n : given.keySet()) {
                if (!names.contains(n)) {
                    throw new IllegalArgumentException("weight given for unknown distribution '" + n + "'; distributions: " + names(components));
                }
            }
            for (int i = 0; i < k; i++) {
                Double v = given.get(components.get(i).name());
                if (v == null) throw new IllegalArgumentException("no weight for distribution '" + components.get(i).name() + "'");
                if (!Double.isFinite(v) || v < 0) {
                    throw new IllegalArgumentException("weight of '" + components.get(i).name() + "' must be a finite number >= 0, got " + v);
                }
                w[i] = v;
            }
        }
        double sum = 0;
        for (double v : w) sum += v;
        if (!(sum > 0)) {
            throw new IllegalArgumentException("the weights sum to zero (" + this + " over " + names(components)
                    + "); at least one distribution needs a positive weight" + (this instanceof Proportional ? " and slices" : ""));
        }
        return w;
    }

    private static List<String> names(List<Mixture.Component> components) {
        List<String> n = new ArrayList<>();
        for (Mixture.Component c : components) n.add(c.name());
        return n;
    }

    /**
     * Splits {@code total} into integer parts proportional to non-negative {@code weights} (any scale): floors
     * first, then one more to each of the largest remainders, ties to the lower index. Computed in decimal from
     * the weights as written ({@code 0.9} is 9/10, not its binary neighbour), so 0.9/0.1 of 1000 is exactly
     * 900/100. The parts sum to {@code total}.
     */
    static long[] largestRemainder(double[] weights, long total) {
        int k = weights.length;
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (double w : weights) {
            if (!Double.isFinite(w) || w < 0) throw new IllegalArgumentException("weights must be finite and >= 0: " + java.util.Arrays.toString(weights));
            sum = sum.add(java.math.BigDecimal.valueOf(w));
        }
        if (sum.signum() == 0) throw new IllegalArgumentException("weights sum to zero");
        long[] out = new long[k];
        java.math.BigDecimal[] rem = new java.math.BigDecimal[k];
        long assigned = 0;
        java.math.BigDecimal t = java.math.BigDecimal.valueOf(total);
        for (int i = 0; i < k; i++) {
            java.math.BigDecimal exact = java.math.BigDecimal.valueOf(weights[i]).multiply(t)
                    .divide(sum, java.math.MathContext.DECIMAL128);
            java.math.BigDecimal floor = exact.setScale(0, java.math.RoundingMode.FLOOR);
            out[i] = floor.longValueExact();
            rem[i] = exact.subtract(floor);
            assigned += out[i];
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> {
            int c = rem[b].compareTo(rem[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int j = 0; assigned < total; j++) {
            int i = order[j % k];
            if (weights[i] > 0) {
                out[i]++;
                assigned++;
            }
        }
        return out;
    }
}
