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
        Path results = experimentDir.resolve("results.csv");
        Path runsCsv = experimentDir.resolve("runs.csv");
        if (!Files.isRegularFile(results)) throw new DataException(results, "no such file: run the experiment first");
        if (!Files.isRegularFile(runsCsv)) throw new DataException(runsCsv, "no such file: run the experiment first");
        ResultTable table = ResultTable.read(results);
        List<RunInfo> runs = RunInfo.read(runsCsv);
        Analyses a = new Analyses(table, runs);
        List<Table> tables = List.of(a.pVsQ(), a.diversity(), a.robustness(), a.overfitting(), a.matrix(), baseline(table, a));
        Path analyses = experimentDir.resolve("analyses");
        Path figures = experimentDir.resolve("figures");
        Map<String, byte[]> figs = new LinkedHashMap<>();
        figs.put("p_vs_q", Charts.pVsQ(a));
        figs.put("diversity", Charts.diversity(a));
        figs.put("robustness", Charts.robustness(a));
        figs.put("overfitting", Charts.overfitting(a));
        figs.put("matrix", Charts.matrix(a));
        try {
            Files.createDirectories(analyses);
            Files.createDirectories(figures);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Table t : tables) t.write(analyses);
        figs.forEach((name, bytes) -> {
            if (bytes != null) AtomicFiles.write(figures.resolve(name + ".png"), tmp -> Files.write(tmp, bytes));
        });
        List<String> findings = findings(a, table);
        AtomicFiles.writeString(experimentDir.resolve("summary.txt"), String.join("\n", findings) + "\n");
        Path html = experimentDir.resolve("report.html");
        AtomicFiles.writeString(html, html(experimentDir, tables, figs, findings));
        return new Built(html, tables, findings);
    }

    /** Zero-filled SSIM per test set next to the best trained model, so "beats zero-filling" is a number. */
    static Table baseline(ResultTable table, Analyses a) {
        Table t = new Table("baseline", "Zero-filled input vs models (final epoch)",
                List.of("test_set", "zero_filled_ssim", "in_distribution_model", "in_distribution_ssim", "gain"));
        Map<String, double[]> zf = new LinkedHashMap<>();
        for (ResultTable.VolumeSsim v : table.rows()) {
            if (!v.trainSet().equals(ZERO_FILLED)) continue;
            double[] s = zf.computeIfAbsent(v.testSet(), k -> new double[2]);
            s[0] += v.sum();
            s[1] += v.slices();
        }
        for (String test : a.testSets()) {
            double[] s = zf.get(test);
            double z = s == null ? Double.NaN : s[0] / s[1];
            String single = a.singleFor(test);
            double m = single == null ? Double.NaN : a.cell(single, test).mean();
            t.add(test, z, single == null ? "(held out)" : single, m, m - z);
        }
        return t;
    }

    static List<String> findings(Analyses a, ResultTable table) {
        List<String> out = new ArrayList<>();
        Table base = baseline(table, a);
        double gainSum = 0;
        int gainN = 0;
        double minGain = Double.MAX_VALUE;
        for (List<String> r : base.rows()) {
            if (r.get(4).isEmpty()) continue;
            double g = Double.parseDouble(r.get(4));
            gainSum += g;
            minGain = Math.min(minGain, g);
            gainN++;
        }
        if (gainN > 0) {
            out.add(minGain > 0
                    ? String.format(Locale.ROOT, "In-distribution models beat zero-filling on all %d trained distributions: mean SSIM gain %+.4f (smallest %+.4f).",
                    gainN, gainSum / gainN, minGain)
                    : String.format(Locale.ROOT, "In-distribution models do not beat zero-filling everywhere: mean SSIM gain %+.4f over %d trained distributions (smallest %+.4f).",
                    gainSum / gainN, gainN, minGain));
        }
        Map<String, double[]> inDist = new LinkedHashMap<>(), heldOut = new LinkedHashMap<>();
        for (List<String> r : a.diversity().rows()) {
            Map<String, double[]> m = r.get(1).equals("held-out") ? heldOut : inDist;
            double[] s = m.computeIfAbsent(r.get(2), k -> new double[]{0, 0, 0, Double.MAX_VALUE, -Double.MAX_VALUE});
            double d = Double.parseDouble(r.get(6));
            s[0] += d;
            s[1]++;
            if (d > 0) s[2]++;
            s[3] = Math.min(s[3], d);
            s[4] = Math.max(s[4], d);
        }
        inDist.forEach((mix, s) -> out.add(String.format(Locale.ROOT,
                "In-distribution, mixture '%s' vs the specialists: mean SSIM difference %+.4f (from %+.4f to %+.4f; ahead on %d of %d distributions).",
                mix, s[0] / s[1], s[3], s[4], (int) s[2], (int) s[1])));
        heldOut.forEach((mix, s) -> out.add(String.format(Locale.ROOT,
                "Out-of-distribution, mixture '%s' vs the best single-distribution model on each held-out target: mean SSIM difference %+.4f; the mixture wins on %d of %d targets.",
                mix, s[0] / s[1], (int) s[2], (int) s[1])));
        for (List<String> r : a.robustness().rows()) {
            if (r.get(1).equals("mixture") && !r.get(5).isEmpty()) {
                out.add(String.format(Locale.ROOT, "Effective robustness of '%s': %+.4f SSIM above the line through the single-distribution models.",
                        r.get(0), Double.parseDouble(r.get(5))));
            }
        }
        int runs = 0, dropped = 0;
        double worst = 0, cost = 0;
        int costN = 0;
        for (List<String> r : a.overfitting().rows()) {
            if (r.get(6).isEmpty()) continue;
            runs++;
            double drop = Double.parseDouble(r.get(6));
            if (drop > 0.002) dropped++;
            worst = Math.max(worst, drop);
            if (!r.get(10).isEmpty()) {
                cost += Double.parseDouble(r.get(10));
                costN++;
            }
        }
        if (runs > 0) {
            out.add(String.format(Locale.ROOT,
                    "Distributional overfitting: OOD SSIM at the last epoch is more than 0.002 below its peak in %d of %d runs (largest drop %.4f); early stopping on in-distribution validation leaves on average %.4f OOD SSIM below the OOD peak.",
                    dropped, runs, worst, costN == 0 ? Double.NaN : cost / costN));
        }
        return out;
    }

    static String html(Path dir, List<Table> tables, Map<String, byte[]> figs, List<String> findings) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>robustmri report</title><style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#eef}td:first-child{text-align:left}")
                .append("img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}.finding{margin:0.3em 0}</style></head><body>");
        h.append("<h1>Robustness of deep-learning MRI reconstruction to distribution shift</h1>");
        h.append("<p>Experiment: ").append(esc(dir.toAbsolutePath().getFileName().toString()))
                .append(". SSIM: 7x7 uniform window, K1 0.01, K2 0.03, data range = target volume max, mean over slices; intervals are 95% volume bootstraps.</p>");
        h.append("<h2>Summary</h2>");
        for (String f : findings) h.append("<p class=\"finding\">").append(esc(f)).append("</p>");
        String[] figFor = {"p_vs_q", "diversity", "robustness", "overfitting", "matrix", null};
        for (int i = 0; i < tables.size(); i++) {
            Table t = tables.get(i);
            h.append("<h2>").append(esc(t.title())).append("</h2>");
            if (figFor[i] != null && figs.get(figFor[i]) != null) {
                h.append("<img alt=\"").append(figFor[i]).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(figs.get(figFor[i]))).append("\">");
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
