package org.robustmri.report;

import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether a test set is in- or out-of-distribution for a training set, decided by data: the fraction of the test
 * set's volumes that the training set's own distribution filters select (applied to the test catalog). All of
 * them: in-distribution; none: out-of-distribution; some: partial (its own kind, reported with the fraction).
 * Written by the experiment as {@code relations.csv}; without it (older studies) names decide, and the report
 * says so.
 */
public final class Relations {
    public enum Kind {
        IN("in-distribution"), OUT("out-of-distribution"), PARTIAL("partial");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final String HEADER = "train_set,test_set,relation,overlap_fraction";
    public static final String DATA_RULE = "by data: a test set is in-distribution for a training set when every one of its volumes is "
            + "selected by the training set's distribution filters (applied to the test catalog), out-of-distribution when none is, "
            + "and partial otherwise";
    public static final String NAME_RULE = "by name (no relations.csv): a test set is in-distribution when a training component has its name";

    private final Map<String, Map<String, Double>> fractions;
    private final String rule;

    private Relations(Map<String, Map<String, Double>> fractions, String rule) {
        this.fractions = fractions;
        this.rule = rule;
    }

    /** Relations from overlap fractions (train set -> test set -> fraction in [0, 1]). */
    public static Relations ofFractions(Map<String, Map<String, Double>> fractions) {
        return new Relations(fractions, DATA_RULE);
    }

    /** The name rule, for studies without relations.csv. */
    public static Relations byName(Map<String, Set<String>> components, List<String> testSets) {
        Map<String, Map<String, Double>> f = new LinkedHashMap<>();
        components.forEach((set, comps) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String t : testSets) m.put(t, comps.contains(t) ? 1.0 : 0.0);
            f.put(set, m);
        });
        return new Relations(f, NAME_RULE);
    }

    public String rule() {
        return rule;
    }

    /** The overlap fraction; NaN when the pair is unknown. */
    public double fraction(String trainSet, String testSet) {
        Map<String, Double> m = fractions.get(trainSet);
        Double v = m == null ? null : m.get(testSet);
        return v == null ? Double.NaN : v;
    }

    public Kind kind(String trainSet, String testSet) {
        double f = fraction(trainSet, testSet);
        if (Double.isNaN(f)) return Kind.OUT;
        return f >= 1.0 ? Kind.IN : f <= 0.0 ? Kind.OUT : Kind.PARTIAL;
    }

    public void write(Path file) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        fractions.forEach((set, m) -> m.forEach((test, f) -> sb.append(set).append(',').append(test).append(',')
                .append(kindOf(f).name().toLowerCase(Locale.ROOT)).append(',').append(String.format(Locale.ROOT, "%.6f", f)).append('\n')));
        AtomicFiles.writeString(file, sb.toString());
    }

    private static Kind kindOf(double f) {
        return f >= 1.0 ? Kind.IN : f <= 0.0 ? Kind.OUT : Kind.PARTIAL;
    }

    public static Relations read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) throw new DataException(file, "not a relations.csv");
            Map<String, Map<String, Double>> f = new LinkedHashMap<>();
            for (String l : lines.subList(1, lines.size())) {
                if (l.isBlank()) continue;
                String[] c = l.split(",", -1);
                f.computeIfAbsent(c[0], k -> new LinkedHashMap<>()).put(c[1], Double.parseDouble(c[3]));
            }
            return new Relations(f, DATA_RULE);
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
