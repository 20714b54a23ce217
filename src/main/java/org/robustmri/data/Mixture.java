package org.robustmri.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A training set made of named distributions mixed with declared weights, with an exact per-epoch sampling plan.
 *
 * <ul>
 *   <li>Data-size factor {@code f} (e.g. 1/2 ... 1/64): each distribution keeps {@code max(1, round(f * n))} of
 *       its {@code n} rows, chosen by a seeded permutation of that distribution (the 1/4 subset is inside the 1/2
 *       subset for the same seed).</li>
 *   <li>Weights: {@code uniform}, {@code proportional} (to slices after subsampling), or explicit per name;
 *       normalised to sum 1. Slice counts per epoch are the budget times the weights, rounded by largest
 *       remainder (ties to the earlier distribution), so they add up to the budget exactly.</li>
 *   <li>Budget: slices per epoch; by default all slices of the (subsampled) mixture.</li>
 *   <li>Drawing: a distribution that must give {@code c} of its {@code N} slices gives every slice
 *       {@code c / N} times plus {@code c mod N} further slices. By default those are a <em>fixed subset</em>, drawn
 *       once from (seed, distribution name): every epoch trains on the same {@code min(c, N)} distinct slices, so a
 *       mixture of the size of one distribution sees as many distinct slices as that distribution's model. With
 *       {@link Builder#redrawEachEpoch} they are drawn afresh each epoch instead (more distinct slices over a run).
 *       The epoch's draws are then shuffled. Everything is seeded by (seed, epoch, distribution name).</li>
 * </ul>
 * A row selected by two distributions is refused: its weight would be ambiguous.
 */
public final class Mixture {
    /** A named distribution's rows (after the data-size factor). */
    public record Component(String name, List<CatalogEntry> entries) {
        public Component {
            entries = List.copyOf(entries);
        }

        public long slices() {
            long n = 0;
            for (CatalogEntry e : entries) n += e.slices();
            return n;
        }
    }

    /** One drawn slice: the distribution it counts for, the row and the slice index within the file. */
    public record Draw(String distribution, CatalogEntry entry, int slice) {
    }

    /** An epoch's plan: the draws in training order and the realised counts per distribution. */
    public record EpochPlan(int epoch, List<Draw> draws, Map<String, Integer> sliceCounts, Map<String, Integer> volumeCounts) {
        public EpochPlan {
            draws = List.copyOf(draws);
            sliceCounts = Collections.unmodifiableMap(new LinkedHashMap<>(sliceCounts));
            volumeCounts = Collections.unmodifiableMap(new LinkedHashMap<>(volumeCounts));
        }

        public int size() {
            return draws.size();
        }
    }

    private final List<Component> components;
    private final Weighting weights;
    private final double dataFraction;
    private final long seed;
    private final long budget;
    private final double[] normalized;
    private final long[] counts;
    private final boolean redraw;

    private Mixture(List<Component> components, Weighting weights, double dataFraction, long seed, Long budget, boolean redraw) {
        this.redraw = redraw;
        this.components = List.copyOf(components);
        this.weights = weights;
        this.dataFraction = dataFraction;
        this.seed = seed;
        long total = 0;
        for (Component c : this.components) total += c.slices();
        this.budget = budget == null ? total : budget;
        if (this.budget < 0) throw new IllegalArgumentException("slices per epoch must not be negative: " + this.budget);
        double[] raw = weights.rawWeights(this.components);
        double sum = 0;
        for (double v : raw) sum += v;
        this.normalized = new double[raw.length];
        for (int i = 0; i < raw.length; i++) normalized[i] = raw[i] / sum;
        this.counts = Weighting.largestRemainder(raw, this.budget);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && this.components.get(i).slices() == 0) {
                throw new IllegalArgumentException("distribution '" + this.components.get(i).name()
                        + "' has weight " + normalized[i] + " but selects no slices");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects named distributions and options; {@link #build()} validates everything. */
    public static final class Builder {
        private final Map<String, List<CatalogEntry>> parts = new LinkedHashMap<>();
        private Weighting weights = Weighting.proportional();
        private double fraction = 1.0;
        private long seed;
        private Long budget;
        private boolean redraw;

        private Builder() {
        }

        /**
         * Draws the slices a distribution gives beyond whole passes afresh every epoch (the earlier behaviour)
         * instead of a fixed subset drawn once.
         */
        public Builder redrawEachEpoch(boolean on) {
            this.redraw = on;
            return this;
        }

        public Builder add(String name, List<CatalogEntry> entries) {
            Objects.requireNonNull(name, "name");
            if (parts.containsKey(name)) throw new IllegalArgumentException("distribution '" + name + "' is given twice");
            parts.put(name, List.copyOf(entries));
            return this;
        }

        /** Adds the rows {@code distribution} selects from {@code catalog}, named {@code name}. */
        public Builder add(String name, Distribution distribution, Catalog catalog) {
            return add(name, distribution.select(catalog).entries());
        }

        public Builder weights(Weighting w) {
            this.weights = Objects.requireNonNull(w, "weights");
            return this;
        }

        /** Keeps a fraction (0, 1] of each distribution's rows, e.g. 1/8. */
        public Builder dataFraction(double f) {
            if (!(f > 0 && f <= 1)) throw new IllegalArgumentException("data-size factor must be in (0, 1], got " + f);
            this.fraction = f;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Slices per epoch; default all slices of the (subsampled) mixture. */
        public Builder slicesPerEpoch(long n) {
            if (n < 0) throw new IllegalArgumentException("slices per epoch must not be negative: " + n);
            this.budget = n;
            return this;
        }

        public Mixture build() {
            if (parts.isEmpty()) throw new IllegalArgumentException("a mixture needs at least one distribution");
            checkOverlap(parts);
            List<Component> comps = new ArrayList<>();
            for (Map.Entry<String, List<CatalogEntry>> e : parts.entrySet()) {
                comps.add(new Component(e.getKey(), subsample(e.getValue(), fraction, seed, e.getKey())));
            }
            return new Mixture(comps, weights, fraction, seed, budget, redraw);
        }
    }

    private static void checkOverlap(Map<String, List<CatalogEntry>> parts) {
        Map<CatalogEntry, String> owner = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        for (Map.Entry<String, List<CatalogEntry>> p : parts.entrySet()) {
            for (CatalogEntry e : new LinkedHashSet<>(p.getValue())) {
                String prev = owner.putIfAbsent(e, p.getKey());
                if (prev != null && !prev.equals(p.getKey())) clashes.add(e + " in '" + prev + "' and '" + p.getKey() + "'");
            }
        }
        if (!clashes.isEmpty()) {
            throw new IllegalArgumentException(clashes.size() + " row(s) belong to more than one distribution: "
                    + String.join("; ", clashes.subList(0, Math.min(10, clashes.size())))
                    + (clashes.size() > 10 ? "; ..." : ""));
        }
    }

    /** The rows a data-size factor keeps: {@code max(1, round(f n))}, a seeded choice per distribution name. */
    static List<CatalogEntry> subsample(List<CatalogEntry> rows, double fraction, long seed, String name) {
        if (fraction >= 1.0 || rows.isEmpty()) return rows;
        int keep = (int) Math.max(1, Math.min(rows.size(), Math.round(fraction * rows.size())));
        int[] order = new int[rows.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Rng.of(seed, Rng.hash("subsample"), Rng.hash(name)).shuffle(order);
        int[] kept = java.util.Arrays.copyOf(order, keep);
        java.util.Arrays.sort(kept); // keep catalog order
        List<CatalogEntry> out = new ArrayList<>(keep);
        for (int i : kept) out.add(rows.get(i));
        return out;
    }

    /** Parses a data-size factor written as {@code 1/8}, {@code 0.125} or {@code 8} (meaning 1/8). */
    public static double parseFraction(String s) {
        String t = s.trim();
        try {
            double f;
            int slash = t.indexOf('/');
            if (slash >= 0) {
                f = Double.parseDouble(t.substring(0, slash).trim()) / Double.parseDouble(t.substring(slash + 1).trim());
            } else {
                double d = Double.parseDouble(t);
                f = d > 1 ? 1.0 / d : d;
            }
            if (!(f > 0 && f <= 1)) throw new NumberFormatException();
            return f;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("data-size factor must be like 1/8, 0.125 or 8, got '" + s + "'");
        }
    }

    private List<String> names() {
        List<String> n = new ArrayList<>();
        for (Component c : components) n.add(c.name());
        return n;
    }

    public List<Component> components() {
        return components;
    }

    public Weighting weights() {
        return weights;
    }

    public double dataFraction() {
        return dataFraction;
    }

    public long seed() {
        return seed;
    }

    public long slicesPerEpoch() {
        return budget;
    }

    /** True when the slices beyond whole passes are drawn afresh each epoch rather than fixed once. */
    public boolean redrawsEachEpoch() {
        return redraw;
    }

    /** Distinct slices each distribution contributes over the whole run (with a fixed subset: {@code min(c, N)}). */
    public Map<String, Long> distinctSlices() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < components.size(); i++) {
            long n = components.get(i).slices();
            m.put(components.get(i).name(), redraw && counts[i] < n ? n : Math.min(counts[i], n));
        }
        return m;
    }

    /** Normalised weights by name. */
    public Map<String, Double> normalizedWeights() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < components.size(); i++) m.put(components.get(i).name(), normalized[i]);
        return m;
    }

    /** Slices each distribution contributes per epoch (the same every epoch). */
    public Map<String, Long> sliceCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < components.size(); i++) m.put(components.get(i).name(), counts[i]);
        return m;
    }

    /** All rows of the mixture (after subsampling), distribution by distribution. */
    public List<CatalogEntry> entries() {
        List<CatalogEntry> all = new ArrayList<>();
        for (Component c : components) all.addAll(c.entries());
        return all;
    }

    /** The draws of one epoch, deterministic for (seed, epoch). */
    public EpochPlan plan(int epoch) {
        List<Draw> draws = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, budget));
        Map<String, Integer> sliceCounts = new LinkedHashMap<>();
        Map<String, Integer> volumeCounts = new LinkedHashMap<>();
        for (int i = 0; i < components.size(); i++) {
            Component c = components.get(i);
            long want = counts[i];
            List<Draw> pool = new ArrayList<>();
            for (CatalogEntry e : c.entries()) {
                for (int s = e.startSlice(); s < e.endSlice(); s++) pool.add(new Draw(c.name(), e, s));
            }
            Rng rng = Rng.of(seed, Rng.hash("epoch"), epoch, Rng.hash(c.name()));
            List<Draw> mine = new ArrayList<>();
            int n = pool.size();
            long full = n == 0 ? 0 : want / n;
            for (long r = 0; r < full; r++) mine.addAll(pool);
            int rest = n == 0 ? 0 : (int) (want % n);
            if (rest > 0) {
                List<Draw> perm = new ArrayList<>(pool);
                // a fixed subset is the same permutation every epoch; a redraw a new one
                (redraw ? rng : Rng.of(seed, Rng.hash("fixed-subset"), Rng.hash(c.name()))).shuffle(perm);
                mine.addAll(perm.subList(0, rest));
            }
            Set<CatalogEntry> vols = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Draw d : mine) vols.add(d.entry());
            draws.addAll(mine);
            sliceCounts.put(c.name(), mine.size());
            volumeCounts.put(c.name(), vols.size());
        }
        Rng.of(seed, Rng.hash("order"), epoch).shuffle(draws);
        return new EpochPlan(epoch, draws, sliceCounts, volumeCounts);
    }

    @Override
    public String toString() {
        return "mixture " + names() + " weights=" + weights + " fraction=" + dataFraction + " seed=" + seed
                + " slices/epoch=" + budget + " counts=" + sliceCounts() + (redraw ? " redrawn each epoch" : " fixed subset, distinct=" + distinctSlices());
    }
}
