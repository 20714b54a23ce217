package org.robustmri.report;

import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds an experiment's report from its results.csv and runs.csv alone: the five analysis tables (CSV in
 * {@code analyses/}), their figures (PNG in {@code figures/}), a summary of the headline findings with numbers,
 * and {@code report.html}, self-contained with inline images (including any reconstruction panels in
 * {@code panels/}).
 */
public final class Report {
    public static final String ZERO_FILLED = "zero-filled";

    private Report() {
    }

    /** What the report found, in numbers and sentences. */
    public record Built(Path html, List<Table> tables, List<String> findings) {
    }

    public static Built build(Path experimentDir) {
        return build(experimentDir, Analyses.Options.defaults());
    }

    /** Builds the report; {@code relations.csv} (written by the experiment) decides in- vs out-of-distribution. */
    public static Built build(Path experimentDir, Analyses.Options options) {
        Path results = experimentDir.resolve("results.csv");
        Path runsCsv = experimentDir.resolve("runs.csv");
        if (!Files.isRegularFile(results)) throw new DataException(results, "no such file: run the experiment first");
        if (!Files.isRegularFile(runsCsv)) throw new DataException(runsCsv, "no such file: run the experiment first");
        ResultTable table = ResultTable.read(results);
        List<RunInfo> runs = RunInfo.read(runsCsv);
        Path rel = experimentDir.resolve("relations.csv");
        Analyses a = new Analyses(table, runs, Files.isRegularFile(rel) ? Relations.read(rel) : null, options);
        List<Table> tables = new ArrayList<>(List.of(a.claims(), a.pVsQ(), a.diversity(), a.robustness(), a.overfitting(), a.matrix(), baseline(table, a)));
        Table others = otherBaselines(table, runs);
        if (others != null) tables.add(others);
        Path simCsv = experimentDir.resolve("similarity.csv");
        Similarities sims = Files.isRegularFile(simCsv) ? Similarities.read(simCsv) : null;
        Table simPoints = sims == null ? null : sims.points(a);
        Table simCorr = sims == null ? null : sims.correlations(simPoints);
        if (sims != null) {
            tables.add(simPoints);
            tables.add(simCorr);
        }
        Pathology pathology = Pathology.read(results);
        Table pathTable = pathology.isEmpty() ? null : pathology.table(a);
        Table pathDiff = pathology.isEmpty() ? null : pathology.differences(a);
        if (pathTable != null) {
            tables.add(pathTable);
            tables.add(pathDiff);
        }
        Path analyses = experimentDir.resolve("analyses");
        Path figures = experimentDir.resolve("figures");
        Map<String, byte[]> figs = new LinkedHashMap<>();
        figs.put("p_vs_q", Charts.pVsQ(a));
        figs.put("diversity", Charts.diversity(a));
        figs.put("robustness", Charts.robustness(a));
        figs.put("overfitting", Charts.overfitting(a));
        figs.put("matrix", Charts.matrix(a));
        if (sims != null) figs.put("similarity", Charts.similarity(simPoints));
        try {
            Files.createDirectories(analyses);
            Files.createDirectories(figures);
        } catch (IOException e) {
            throw new DataException(analyses, "cannot create: " + e.getMessage(), e);
        }
        for (Table t : tables) t.write(analyses);
        figs.forEach((name, bytes) -> {
            if (bytes != null) AtomicFiles.write(figures.resolve(name + ".png"), tmp -> Files.write(tmp, bytes));
        });
        List<String> findings = findings(a, table);
        if (others != null) findings.addAll(otherBaselineFindings(others));
        if (sims != null) findings.addAll(similarityFindings(a, simCorr, sims));
        if (pathDiff != null) findings.addAll(pathologyFindings(pathDiff));
        AtomicFiles.writeString(experimentDir.resolve("summary.txt"), String.join("\n", findings) + "\n");
        Path html = experimentDir.resolve("report.html");
        AtomicFiles.writeString(html, html(experimentDir, a, tables, figs, findings));
        return new Built(html, tables, findings);
    }

    /** Zero-filled SSIM per test set next to each architecture's in-distribution single model (headline rule). */
    static Table baseline(ResultTable table, Analyses a) {
        Analyses.Checkpoint rule = a.headlineRule();
        Table t = new Table("baseline", "Zero-filled input vs in-distribution models (" + rule.label() + ")",
                List.of("model", "test_set", "zero_filled_ssim", "in_distribution_model", "in_distribution_ssim", "gain"));
        Map<String, double[]> zf = new LinkedHashMap<>();
        for (ResultTable.VolumeSsim v : table.rows()) {
            if (!v.trainSet().equals(ZERO_FILLED)) continue;
            double[] s = zf.computeIfAbsent(v.testSet(), k -> new double[2]);
            s[0] += v.sum();
            s[1] += v.slices();
        }
        for (String model : a.models()) {
            for (String test : a.testSets()) {
                double[] s = zf.get(test);
                double z = s == null ? Double.NaN : s[0] / s[1];
                String single = null;
                for (String ts : a.trainSets(model)) {
                    if (a.isSingle(ts) && a.relations().kind(ts, test) == Relations.Kind.IN) single = ts;
                }
                double m = single == null ? Double.NaN : a.cell(new Analyses.Arm(model, single), test, rule).mean();
                t.add(model, test, z, single == null ? "(held out)" : single, m, m - z);
            }
        }
        return t;
    }

    /**
     * Baselines without weights other than zero-filling (the study's {@code baselines:}, e.g. cs-tv): SSIM per test set
     * next to zero-filled; null when the study has none. Rows of runs without run info are baselines.
     */
    static Table otherBaselines(ResultTable table, List<RunInfo> runs) {
        java.util.Set<String> trained = new java.util.HashSet<>();
        for (RunInfo r : runs) trained.add(r.run());
        Map<String, Map<String, double[]>> sums = new LinkedHashMap<>(); // baseline -> test set -> {sum, slices}
        for (ResultTable.VolumeSsim v : table.rows()) {
            if (trained.contains(v.run())) continue;
            double[] s = sums.computeIfAbsent(v.run(), k -> new LinkedHashMap<>()).computeIfAbsent(v.testSet(), k -> new double[2]);
            s[0] += v.sum();
            s[1] += v.slices();
        }
        Map<String, double[]> zf = sums.getOrDefault(ZERO_FILLED, Map.of());
        if (sums.keySet().stream().allMatch(ZERO_FILLED::equals)) return null;
        Table t = new Table("baselines", "Baselines without weights vs zero-filled input",
                List.of("baseline", "test_set", "ssim", "zero_filled_ssim", "gain", "slices"));
        for (Map.Entry<String, Map<String, double[]>> b : sums.entrySet()) {
            if (b.getKey().equals(ZERO_FILLED)) continue;
            for (Map.Entry<String, double[]> e : b.getValue().entrySet()) {
                double m = e.getValue()[0] / e.getValue()[1];
                double[] z = zf.get(e.getKey());
                double zm = z == null ? Double.NaN : z[0] / z[1];
                t.add(b.getKey(), e.getKey(), m, zm, m - zm, (long) e.getValue()[1]);
            }
        }
        return t;
    }

    static List<String> otherBaselineFindings(Table t) {
        Map<String, double[]> per = new LinkedHashMap<>(); // baseline -> {sum ssim, sum zf, n, min gain}
        for (List<String> r : t.rows()) {
            double[] p = per.computeIfAbsent(r.get(0), k -> new double[]{0, 0, 0, Double.MAX_VALUE});
            if (r.get(4).isEmpty()) continue;
            p[0] += Double.parseDouble(r.get(2));
            p[1] += Double.parseDouble(r.get(3));
            p[2]++;
            p[3] = Math.min(p[3], Double.parseDouble(r.get(4)));
        }
        List<String> out = new ArrayList<>();
        per.forEach((name, p) -> {
            if (p[2] > 0) out.add(String.format(Locale.ROOT, "%s: mean SSIM %.4f over %d test sets against zero-filled %.4f (smallest gain %+.4f).",
                    name, p[0] / p[2], (int) p[2], p[1] / p[2], p[3]));
        });
        return out;
    }

    static List<String> findings(Analyses a, ResultTable table) {
        List<String> out = new ArrayList<>();
        Analyses.Checkpoint rule = a.headlineRule();
        out.add("Checkpoints: " + rule.label() + (rule == Analyses.Checkpoint.FINAL ? " (no validation split)" : "")
                + "; in- vs out-of-distribution " + a.relations().rule() + ".");
        Table base = baseline(table, a);
        for (String model : a.models()) {
            double gainSum = 0, minGain = Double.MAX_VALUE;
            int gainN = 0;
            for (List<String> r : base.rows()) {
                if (!r.get(0).equals(model) || r.get(5).isEmpty()) continue;
                double g = Double.parseDouble(r.get(5));
                gainSum += g;
                minGain = Math.min(minGain, g);
                gainN++;
            }
            if (gainN > 0) {
                out.add(String.format(Locale.ROOT, "%s: in-distribution models %s zero-filling on %d trained distributions: mean SSIM gain %+.4f (smallest %+.4f).",
                        model, minGain > 0 ? "beat" : "do not always beat", gainN, gainSum / gainN, minGain));
            }
            for (List<String> c : a.claims().rows()) {
                if (!c.get(0).equals(model)) continue;
                String value = c.get(3).isEmpty() ? "" : " = " + c.get(3) + (c.get(4).isEmpty() ? "" : " (oracle " + c.get(4) + ")");
                out.add(String.format(Locale.ROOT, "%s: %s: %s%s; holds: %s.", model, c.get(1), c.get(2), value, c.get(5)));
            }
        }
        return out;
    }

    /** Per architecture and size class: each training set's box SSIM against the first, with the paired interval. */
    static List<String> pathologyFindings(Table diff) {
        List<String> out = new ArrayList<>();
        for (List<String> r : diff.rows()) {
            if (r.get(4).equals("all")) continue;
            out.add(String.format(Locale.ROOT, "%s: pathology boxes (%s, %s boxes on %s): %s minus %s = %s [%s, %s]%s.", r.get(0), r.get(4), r.get(5), r.get(1),
                    r.get(2), r.get(3), r.get(6), r.get(7), r.get(8),
                    !r.get(7).isEmpty() && Double.parseDouble(r.get(7)) > 0 ? ", better" : !r.get(8).isEmpty() && Double.parseDouble(r.get(8)) < 0 ? ", worse" : ", no clear difference"));
        }
        return out;
    }

    /** Per architecture: the mean Pearson r of similarity and out-of-distribution SSIM over the test sets. */
    static List<String> similarityFindings(Analyses a, Table corr, Similarities sims) {
        List<String> out = new ArrayList<>();
        for (String model : a.models()) {
            double sum = 0;
            int n = 0, positive = 0;
            for (List<String> r : corr.rows()) {
                if (!r.get(0).equals(model) || r.get(3).isEmpty()) continue;
                double v = Double.parseDouble(r.get(3));
                sum += v;
                n++;
                if (v > 0) positive++;
            }
            if (n == 0) {
                out.add(model + ": train-test similarity vs out-of-distribution SSIM: n/a (no test set is out of three or more training sets).");
            } else {
                out.add(String.format(Locale.ROOT, "%s: train-test similarity vs out-of-distribution SSIM: mean Pearson r %+.3f over %d test set(s), positive on %d/%d.",
                        model, sum / n, n, positive, n));
            }
        }
        out.add("Similarity: mean cosine similarity of each test slice to its nearest training slice, embedding " + sims.embedding() + ".");
        return out;
    }

    static String html(Path dir, Analyses a, List<Table> tables, Map<String, byte[]> figs, List<String> findings) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>robustmri report</title><style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#eef}td:first-child{text-align:left}")
                .append("img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}.finding{margin:0.3em 0}</style></head><body>");
        h.append("<h1>Robustness of deep-learning MRI reconstruction to distribution shift</h1>");
        h.append("<p>Experiment: ").append(esc(dir.toAbsolutePath().getFileName().toString()))
                .append(". SSIM: 7x7 uniform window, K1 0.01, K2 0.03, data range = target volume max, mean over slices; intervals are 95% bootstraps over test volumes")
                .append(" (the seeds of a volume averaged first); differences between two models are paired on the same volumes.</p>")
                .append("<p>In- vs out-of-distribution: ").append(esc(a.relations().rule())).append(".</p>")
                .append("<p>Checkpoint rules in the tables: ");
        for (Analyses.Checkpoint c : a.checkpoints()) h.append("<b>").append(c.key()).append("</b> = ").append(esc(c.label())).append("; ");
        h.append("headline numbers use ").append(esc(a.headlineRule().label())).append(".</p>");
        h.append("<h2>Summary</h2>");
        for (String f : findings) h.append("<p class=\"finding\">").append(esc(f)).append("</p>");
        List<String> figFor = new ArrayList<>(java.util.Arrays.asList(null, "p_vs_q", "diversity", "robustness", "overfitting", "matrix", null));
        for (Table t : tables.subList(figFor.size(), tables.size())) figFor.add(t.name().equals("similarity") ? "similarity" : null);
        for (int i = 0; i < tables.size(); i++) {
            Table t = tables.get(i);
            h.append("<h2>").append(esc(t.title())).append("</h2>");
            if (figFor.get(i) != null && figs.get(figFor.get(i)) != null) {
                h.append("<img alt=\"").append(figFor.get(i)).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(figs.get(figFor.get(i)))).append("\">");
            }
            if (t.rows().isEmpty()) {
                h.append("<p>(no rows: the experiment has no training sets of this kind)</p>");
                continue;
            }
            h.append("<table><tr>");
            for (String c : t.header()) h.append("<th>").append(esc(c)).append("</th>");
            h.append("</tr>");
            for (List<String> r : t.rows()) {
                h.append("<tr>");
                for (String c : r) h.append("<td>").append(esc(c)).append("</td>");
                h.append("</tr>");
            }
            h.append("</table>");
        }
        Path panels = dir.resolve("panels");
        if (Files.isDirectory(panels)) {
            h.append("<h2>Reconstructions</h2><p>Per distribution: target, zero-filled input, each model's output, and absolute error maps (x4).</p>");
            try (Stream<Path> s = Files.list(panels)) {
                for (Path p : s.filter(x -> x.toString().endsWith(".png")).sorted().toList()) {
                    h.append("<h3>").append(esc(p.getFileName().toString().replace(".png", ""))).append("</h3>")
                            .append("<img alt=\"panel\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(Files.readAllBytes(p))).append("\">");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        h.append("<p>Tables as CSV: analyses/; figures as PNG: figures/; raw rows: results.csv; runs: runs.csv.</p>");
        // lets a headless browser check that every inline image decoded (tools/check_report.sh)
        h.append("<script>window.addEventListener('load',function(){var im=Array.prototype.slice.call(document.images);")
                .append("var ok=im.filter(function(i){return i.complete&&i.naturalWidth>0;}).length;")
                .append("document.body.setAttribute('data-images-loaded',ok+'/'+im.length);});</script>");
        h.append("</body></html>\n");
        return h.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
