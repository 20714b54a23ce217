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
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds an experiment's report from its results.csv and runs.csv alone: the five analysis tables (CSV in
 * {@code analyses/}), their figures (PNG in {@code figures/}), a summary of the headline findings with numbers,
 * and {@code report.html}, self-contained with inline images (including any reconstruction panels in
 * {@code panels/}).
 */
public final class Report {
    public static final String ZERO_FILLED = Baselines.ZERO_FILLED;

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
        Comparisons cmp = new Comparisons(a);
        List<Claims.Claim> claims = new Claims(cmp).all();
        List<Baselines.Gain> gains = Baselines.gains(table, a);
        List<Table> tables = new ArrayList<>(List.of(ReportTables.claims(a.headlineRule(), claims), ReportTables.pVsQ(cmp.pVsQ()),
                ReportTables.diversity(cmp.diversity()), ReportTables.robustness(cmp.robustness()), ReportTables.overfitting(cmp.overfitting()),
                ReportTables.matrix(a.testSets(), cmp.matrix()), Baselines.gainTable(a.headlineRule(), gains)));
        List<Baselines.Score> others = Baselines.others(table, runs);
        if (!others.isEmpty()) tables.add(Baselines.scoreTable(others));
        Path simCsv = experimentDir.resolve("similarity.csv");
        Similarities sims = Files.isRegularFile(simCsv) ? Similarities.read(simCsv) : null;
        List<Similarities.Point> simPoints = sims == null ? List.of() : sims.points(a);
        List<Similarities.Correlation> simCorr = Similarities.correlations(simPoints);
        if (sims != null) {
            tables.add(Similarities.pointsTable(a.headlineRule(), simPoints));
            tables.add(Similarities.correlationTable(simCorr));
        }
        Pathology pathology = Pathology.read(results);
        List<Pathology.Difference> pathDiff = pathology.isEmpty() ? List.of() : pathology.differences(a);
        if (!pathology.isEmpty()) {
            tables.add(Pathology.boxTable(a.headlineRule(), pathology.boxSsim(a)));
            tables.add(Pathology.differenceTable(pathDiff));
        }
        Path analyses = experimentDir.resolve("analyses");
        Path figures = experimentDir.resolve("figures");
        Map<String, byte[]> figs = new LinkedHashMap<>();
        figs.put("p_vs_q", Charts.pVsQ(cmp));
        figs.put("diversity", Charts.diversity(cmp));
        figs.put("robustness", Charts.robustness(cmp));
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
        List<String> findings = Findings.main(a, gains, claims);
        findings.addAll(Findings.baselines(others));
        if (sims != null) findings.addAll(Findings.similarity(a, simCorr, sims));
        findings.addAll(Findings.pathology(pathDiff));
        AtomicFiles.writeString(experimentDir.resolve("summary.txt"), String.join("\n", findings) + "\n");
        Path html = experimentDir.resolve("report.html");
        AtomicFiles.writeString(html, html(experimentDir, a, tables, figs, findings));
        return new Built(html, tables, findings);
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
