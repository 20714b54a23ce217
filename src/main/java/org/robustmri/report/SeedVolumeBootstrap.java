package org.robustmri.report;

import org.robustmri.report.Analyses.Arm;
import org.robustmri.report.Analyses.Checkpoint;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile intervals for statistics of many cells at once (a claim compares several arms on several test sets),
 * resampling the two sources of variation together: each replicate draws every arm's model seeds with replacement
 * (seeds as a random effect: a claim must hold for the training run one would get, not only for the runs one got) and
 * every test set's volumes with replacement, the same volumes for every arm (comparisons stay paired). A cell is the
 * slice-weighted mean over volumes of the seed-averaged per-volume SSIM, as {@link Analyses#cell} computes it; the
 * replicate that draws each seed and volume once is the point estimate. Deterministic for a seed, and independent of
 * the order in which a statistic asks for cells. Resampling one source alone (the other drawn once) tells which of the
 * two makes an interval wide, so a user knows whether more seeds or more test subjects would narrow it.
 */
public final class SeedVolumeBootstrap {
    /** Cell values under one replicate's draws. */
    public interface Cells {
        /** An arm's mean SSIM on a test set under the bootstrap's rule; NaN when it was not scored. */
        double cell(Arm arm, String test);

        /** One run's mean SSIM on a test set at an epoch (volumes drawn as for the cells); NaN when not scored. */
        double run(String run, int epoch, String test);

        /** How often this replicate drew a run among its arm's seeds (1 for each run in the point estimate). */
        int weight(String run);
    }

    /** Which sources of variation a replicate draws anew. */
    public enum Source {
        SEEDS_AND_VOLUMES(true, true), SEEDS(true, false), VOLUMES(false, true);

        final boolean seeds, volumes;

        Source(boolean seeds, boolean volumes) {
            this.seeds = seeds;
            this.volumes = volumes;
        }
    }

    /**
     * A statistic's value on the data, and its 95 % percentile interval over the replicates; with
     * {@link #estimateBySource}, also the half-widths of the intervals from resampling seeds alone and volumes alone
     * (NaN otherwise).
     */
    public record Estimate(double value, double low, double high, int replicates, double seedsHalfWidth, double volumesHalfWidth) {
        public static final Estimate NONE = new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);

        public Estimate(double value, double low, double high, int replicates) {
            this(value, low, high, replicates, Double.NaN, Double.NaN);
        }

        /** Half the interval's width. */
        public double halfWidth() {
            return (high - low) / 2;
        }
    }

    private final Analyses a;
    private final Checkpoint rule;
    private final int resamples;
    private final long seed;

    public SeedVolumeBootstrap(Analyses a, Checkpoint rule, int resamples, long seed) {
        this.a = a;
        this.rule = rule;
        this.resamples = resamples;
        this.seed = seed;
    }

    public Estimate estimate(ToDoubleFunction<Cells> statistic) {
        return estimate(statistic, Source.SEEDS_AND_VOLUMES);
    }

    /** The joint estimate with the half-widths that seeds alone and volumes alone give. */
    public Estimate estimateBySource(ToDoubleFunction<Cells> statistic) {
        Estimate both = estimate(statistic);
        if (Double.isNaN(both.value())) return both;
        return new Estimate(both.value(), both.low(), both.high(), both.replicates(),
                estimate(statistic, Source.SEEDS).halfWidth(), estimate(statistic, Source.VOLUMES).halfWidth());
    }

    public Estimate estimate(ToDoubleFunction<Cells> statistic, Source source) {
        double value = statistic.applyAsDouble(new Replicate(-1, source));
        if (Double.isNaN(value)) return Estimate.NONE;
        double[] stats = new double[resamples];
        int n = 0;
        for (int r = 0; r < resamples; r++) {
            double v = statistic.applyAsDouble(new Replicate(r, source));
            if (!Double.isNaN(v)) stats[n++] = v;
        }
        if (n == 0) return new Estimate(value, value, value, 0);
        double[] s = Arrays.copyOf(stats, n);
        Arrays.sort(s);
        return new Estimate(value, percentile(s, 0.025), percentile(s, 0.975), n);
    }

    /** One replicate's draws, made on first use (replicate -1 draws everything once, as does a source not resampled). */
    private final class Replicate implements Cells {
        private final int index;
        private final Source source;
        private final Map<String, Map<String, Integer>> volumeCounts = new HashMap<>();
        private final Map<Arm, Map<String, Integer>> seedCounts = new HashMap<>();
        private final Map<String, Integer> runWeights = new HashMap<>();

        Replicate(int index, Source source) {
            this.index = index;
            this.source = source;
        }

        private SplittableRandom rng(String what, String name) {
            return new SplittableRandom(seed * 1_000_003L + index * 7919L + (what + "\u0000" + name).hashCode());
        }

        private Map<String, Integer> volumes(String test) {
            return volumeCounts.computeIfAbsent(test, t -> draw(a.volumesOf(t), rng("test", t), source.volumes));
        }

        private Map<String, Integer> seeds(Arm arm) {
            return seedCounts.computeIfAbsent(arm, k -> draw(List.copyOf(a.runsOf(k)), rng("arm", k.model() + "/" + k.trainSet()), source.seeds));
        }

        private Map<String, Integer> draw(List<String> items, SplittableRandom rng, boolean resample) {
            Map<String, Integer> counts = new HashMap<>();
            if (index < 0 || !resample) {
                for (String i : items) counts.put(i, 1);
            } else {
                for (int k = 0; k < items.size(); k++) counts.merge(items.get(rng.nextInt(items.size())), 1, Integer::sum);
            }
            return counts;
        }

        @Override
        public int weight(String run) {
            RunInfo r = a.run(run);
            return seeds(new Arm(r.model(), r.trainSet())).getOrDefault(run, 0);
        }

        @Override
        public double cell(Arm arm, String test) {
            Map<String, Integer> vols = volumes(test);
            Map<String, double[]> perVolume = new HashMap<>(); // volume -> {sum of seed means, seed weight, slices}
            for (Map.Entry<String, Integer> s : seeds(arm).entrySet()) {
                int e = a.epoch(s.getKey(), test, rule);
                if (e < 0) continue;
                Map<String, double[]> scored = a.volumeScores(s.getKey(), e, test);
                if (scored == null) continue;
                scored.forEach((v, sn) -> {
                    double[] acc = perVolume.computeIfAbsent(v, k -> new double[3]);
                    acc[0] += s.getValue() * sn[0] / sn[1];
                    acc[1] += s.getValue();
                    acc[2] = sn[1];
                });
            }
            double sum = 0, slices = 0;
            for (Map.Entry<String, double[]> v : perVolume.entrySet()) {
                int times = vols.getOrDefault(v.getKey(), 0);
                double[] acc = v.getValue();
                sum += times * acc[2] * acc[0] / acc[1];
                slices += times * acc[2];
            }
            return slices == 0 ? Double.NaN : sum / slices;
        }

        @Override
        public double run(String run, int epoch, String test) {
            Map<String, double[]> scored = a.volumeScores(run, epoch, test);
            if (scored == null) return Double.NaN;
            Map<String, Integer> vols = volumes(test);
            double sum = 0, slices = 0;
            for (Map.Entry<String, double[]> v : scored.entrySet()) {
                int times = vols.getOrDefault(v.getKey(), 0);
                sum += times * v.getValue()[0];
                slices += times * v.getValue()[1];
            }
            return slices == 0 ? Double.NaN : sum / slices;
        }
    }

    /** Linear-interpolated percentile of sorted values (numpy's default). */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
