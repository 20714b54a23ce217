package org.robustmri.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Baselines whose lambda was chosen on each training set's validation volumes: the choice, and how a lambda tuned on
 * one distribution does on the others, next to the same baseline tuned on the test set's own distribution. It is the
 * classical analogue of the paper's question: does a regulariser tuned on P hold up on Q?
 */
public final class TunedBaselines {
    /** The tuning record written beside a tuned baseline's results. */
    public static final String FILE = "tuning.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** One grid point of the tuning: mean volume SSIM and PSNR on the validation volumes. */
    public record GridPoint(double lambda, double ssim, double psnr) {
    }

    /** A baseline tuned on a training set: its run name, the chosen lambda and the grid. */
    public record Tuning(String run, String baseline, String trainingSet, List<String> components, double lambda, List<GridPoint> grid,
                         int validationVolumes) {
    }

    /**
     * A tuned instance on one test set, next to the instance tuned on the in-distribution training set of that test set
     * with the fewest distributions ({@code own*}; NaN when there is none).
     */
    public record Transfer(String baseline, String tunedOn, double lambda, String testSet, Relations.Kind relation, double ssim,
                           String ownSet, double ownLambda, double ownSsim) {
        /** How much SSIM the lambda from elsewhere gives away against the test set's own (positive: worse). */
        public double loss() {
            return ownSsim - ssim;
        }
    }

    private TunedBaselines() {
    }

    public static String toJson(Tuning t) {
        try {
            return JSON.writeValueAsString(t) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every tuning record of a study ({@code runs/<run>/eval/tuning.json}), by run name. */
    public static List<Tuning> read(Path studyDir) {
        Path runs = studyDir.resolve("runs");
        if (!Files.isDirectory(runs)) return List.of();
        List<Tuning> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.sorted().toList()) {
                Path f = d.resolve("eval").resolve(FILE);
                if (Files.isRegularFile(f)) out.add(JSON.readValue(f.toFile(), Tuning.class));
            }
        } catch (IOException e) {
            throw new DataException(runs, "cannot read the tuned baselines: " + e.getMessage(), e);
        }
        return out;
    }

    /** Each tuned instance on each test set, against the instance tuned on the test set's own distribution. */
    public static List<Transfer> transfers(List<Tuning> tunings, ResultTable table, Relations relations) {
        Map<String, Map<String, double[]>> ssim = new LinkedHashMap<>();   // run -> test set -> {sum, slices}
        for (ResultTable.VolumeSsim v : table.rows()) {
            double[] s = ssim.computeIfAbsent(v.run(), k -> new LinkedHashMap<>()).computeIfAbsent(v.testSet(), k -> new double[2]);
            s[0] += v.sum();
            s[1] += v.slices();
        }
        List<Transfer> out = new ArrayList<>();
        for (Tuning t : tunings) {
            Map<String, double[]> scores = ssim.getOrDefault(t.run(), Map.of());
            for (Map.Entry<String, double[]> e : scores.entrySet()) {
                String test = e.getKey();
                Tuning own = null;
                for (Tuning o : tunings) {   // the test set's own: in distribution, with the fewest components (a single one)
                    if (o.baseline().equals(t.baseline()) && relations != null && relations.kind(o.trainingSet(), test) == Relations.Kind.IN
                            && (own == null || o.components().size() < own.components().size())) own = o;
                }
                double[] ownScore = own == null ? null : ssim.getOrDefault(own.run(), Map.of()).get(test);
                Relations.Kind kind = relations == null ? Relations.Kind.OUT : relations.kind(t.trainingSet(), test);
                out.add(new Transfer(t.baseline(), t.trainingSet(), t.lambda(), test, kind, e.getValue()[0] / e.getValue()[1],
                        own == null ? null : own.trainingSet(), own == null ? Double.NaN : own.lambda(),
                        ownScore == null ? Double.NaN : ownScore[0] / ownScore[1]));
            }
        }
        return out;
    }

    public static Table table(List<Transfer> rows) {
        Table t = new Table("lambda_transfer", "Baselines with lambda tuned per training set: each lambda on every test set",
                List.of("baseline", "tuned_on", "lambda", "test_set", "relation", "ssim", "own_tuned_on", "own_lambda", "own_ssim", "loss"));
        for (Transfer r : rows) {
            t.add(r.baseline(), r.tunedOn(), r.lambda(), r.testSet(), r.relation().label(), r.ssim(), r.ownSet() == null ? "" : r.ownSet(),
                    r.ownLambda(), r.ownSsim(), r.loss());
        }
        return t;
    }

    /** Per baseline: the lambdas chosen, and the mean and largest SSIM lost by lambdas tuned out of distribution. */
    public static List<String> findings(List<Tuning> tunings, List<Transfer> rows) {
        List<String> out = new ArrayList<>();
        Map<String, List<Tuning>> byBaseline = new LinkedHashMap<>();
        for (Tuning t : tunings) byBaseline.computeIfAbsent(t.baseline(), k -> new ArrayList<>()).add(t);
        for (Map.Entry<String, List<Tuning>> b : byBaseline.entrySet()) {
            StringBuilder s = new StringBuilder(b.getKey() + ": lambda tuned per training set on validation volumes (");
            for (int i = 0; i < b.getValue().size(); i++) {
                Tuning t = b.getValue().get(i);
                s.append(i == 0 ? "" : ", ").append(t.trainingSet()).append(' ').append(plain(t.lambda()));
            }
            s.append(").");
            double sum = 0, worst = Double.NEGATIVE_INFINITY;
            int n = 0;
            String worstRow = "";
            for (Transfer r : rows) {
                if (!r.baseline().equals(b.getKey()) || r.relation() != Relations.Kind.OUT || Double.isNaN(r.loss())) continue;
                sum += r.loss();
                n++;
                if (r.loss() > worst) {
                    worst = r.loss();
                    worstRow = "lambda from " + r.tunedOn() + " on " + r.testSet();
                }
            }
            if (n > 0) {
                s.append(String.format(Locale.ROOT, " A lambda tuned out of distribution loses %.4f SSIM on average against the test set's own lambda"
                        + " (%d pairs; largest %.4f, %s).", sum / n, n, worst, worstRow));
            }
            out.add(s.toString());
        }
        return out;
    }

    private static String plain(double l) {
        return java.math.BigDecimal.valueOf(l).stripTrailingZeros().toPlainString();
    }
}
