package org.robustmri.report;

import org.robustmri.io.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Simulated training, real test scans: on each test set read from real files, the mean SSIM (over slices) and PSNR (over
 * volumes) of zero-filling, the other baselines and every architecture's final model of every training set (mean over
 * its seeds), each next to zero-filling's.
 */
public final class RealScans {
    /** One reconstruction on one real test set; {@code runs} is the number of model seeds averaged (0 for a baseline). */
    public record Score(String testSet, String reconstruction, String model, int runs, double ssim, double psnr, double zeroFilledSsim, double zeroFilledPsnr) {
        public boolean beatsZeroFilled() {
            return ssim > zeroFilledSsim && psnr > zeroFilledPsnr;
        }
    }

    private RealScans() {
    }

    /** The scores on {@code realTestSets}, read from a results.csv; final epochs only. */
    public static List<Score> read(Path resultsCsv, List<RunInfo> runs, Set<String> realTestSets, Map<String, String> architectureNames) {
        Map<String, RunInfo> byRun = new LinkedHashMap<>();
        for (RunInfo r : runs) byRun.put(r.run(), r);
        Map<String, Integer> lastEpoch = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>(); // run, epoch, test set, metric, value
        try (BufferedReader r = Files.newBufferedReader(resultsCsv, StandardCharsets.UTF_8)) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                List<String> f = ResultTable.split(line);
                if (f.size() < 9 || !realTestSets.contains(f.get(4))) continue;
                if (!f.get(7).equals("ssim") && !f.get(7).equals("psnr")) continue;
                lastEpoch.merge(f.get(0), Integer.parseInt(f.get(3)), Math::max);
                rows.add(new String[]{f.get(0), f.get(3), f.get(4), f.get(7), f.get(8)});
            }
        } catch (IOException e) {
            throw new DataException(resultsCsv, "cannot read: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new DataException(resultsCsv, "bad number: " + e.getMessage(), e);
        }
        // (test set, reconstruction) -> {ssim sum, ssim n, psnr sum, psnr n}, and the runs averaged
        Map<List<String>, double[]> sums = new LinkedHashMap<>();
        Map<List<String>, Set<String>> members = new LinkedHashMap<>();
        for (String[] row : rows) {
            if (Integer.parseInt(row[1]) != lastEpoch.get(row[0])) continue;
            RunInfo info = byRun.get(row[0]);
            String model = info == null ? "" : architectureNames.getOrDefault(info.model(), info.model());
            List<String> key = List.of(row[2], info == null ? row[0] : info.trainSet(), model);
            double[] s = sums.computeIfAbsent(key, k -> new double[4]);
            int at = row[3].equals("ssim") ? 0 : 2;
            s[at] += Double.parseDouble(row[4]);
            s[at + 1]++;
            members.computeIfAbsent(key, k -> new java.util.TreeSet<>()).add(row[0]);
        }
        List<Score> out = new ArrayList<>();
        for (Map.Entry<List<String>, double[]> e : sums.entrySet()) {
            List<String> k = e.getKey();
            double[] zf = sums.getOrDefault(List.of(k.get(0), Baselines.ZERO_FILLED, ""), new double[]{Double.NaN, 1, Double.NaN, 1});
            double[] s = e.getValue();
            boolean trained = !k.get(2).isEmpty();
            out.add(new Score(k.get(0), k.get(1), k.get(2), trained ? members.get(k).size() : 0, s[0] / s[1], s[2] / s[3], zf[0] / zf[1], zf[2] / zf[3]));
        }
        // per test set: zero-filled, the other baselines, then the models
        List<String> sets = out.stream().map(Score::testSet).distinct().toList();
        out.sort(java.util.Comparator.comparingInt((Score x) -> sets.indexOf(x.testSet()))
                .thenComparingInt(x -> x.reconstruction().equals(Baselines.ZERO_FILLED) ? 0 : x.model().isEmpty() ? 1 : 2));
        return out;
    }

    /** Per real test set: how many final models beat zero-filling in both metrics, and the best one by SSIM. */
    public static List<String> findings(List<Score> scores) {
        Map<String, List<Score>> bySet = new LinkedHashMap<>();
        for (Score s : scores) bySet.computeIfAbsent(s.testSet(), k -> new ArrayList<>()).add(s);
        List<String> out = new ArrayList<>();
        bySet.forEach((set, list) -> {
            List<Score> models = list.stream().filter(s -> !s.model().isEmpty()).toList();
            if (models.isEmpty()) return;
            Score best = models.stream().max(java.util.Comparator.comparingDouble(Score::ssim)).orElseThrow();
            long wins = models.stream().filter(Score::beatsZeroFilled).count();
            out.add(String.format(java.util.Locale.ROOT, "Real scans, %s: %d of %d final models beat zero-filling (SSIM %.4f, PSNR %.2f dB) in both "
                            + "SSIM and PSNR; best by SSIM: %s trained on %s, SSIM %.4f (%+.4f), PSNR %.2f dB (%+.2f).",
                    set, wins, models.size(), best.zeroFilledSsim(), best.zeroFilledPsnr(), best.model(), best.reconstruction(),
                    best.ssim(), best.ssim() - best.zeroFilledSsim(), best.psnr(), best.psnr() - best.zeroFilledPsnr()));
        });
        return out;
    }

    public static Table table(List<Score> scores) {
        Table t = new Table("real_scans", "Real test scans: final models and baselines vs zero-filled input",
                List.of("test_set", "reconstruction", "model", "seeds", "ssim", "psnr", "ssim_minus_zero_filled", "psnr_minus_zero_filled"));
        for (Score s : scores) {
            t.add(s.testSet(), s.reconstruction(), s.model(), s.runs(), s.ssim(), s.psnr(), s.ssim() - s.zeroFilledSsim(), s.psnr() - s.zeroFilledPsnr());
        }
        return t;
    }
}
