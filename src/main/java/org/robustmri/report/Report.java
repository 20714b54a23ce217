package org.robustmri.report;

import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** What the report found: the claims table, the CSV tables, and the other findings in sentences. */
    public record Built(Path html, ClaimsView claims, List<Table> tables, List<String> findings) {
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
        // real scans in a simulated study have their own section; the claims are about the simulated shifts
        ResultTable table = ResultTable.read(results).without(options.realTestSets());
        List<RunInfo> runs = RunInfo.read(runsCsv);
        Path rel = experimentDir.resolve("relations.csv");
        Analyses a = new Analyses(table, runs, Files.isRegularFile(rel) ? Relations.read(rel) : null, options);
        Comparisons cmp = new Comparisons(a);
        List<Claims.Claim> claims = new Claims(cmp).all();
        Map<String, String> names = ArchitectureNames.of(experimentDir, runs);
        ClaimsView view = new ClaimsView(claims, names, a.headlineRule());
        List<Baselines.Gain> gains = Baselines.gains(table, a);
        List<Table> tables = new ArrayList<>(List.of(ReportTables.claims(a.headlineRule(), claims), ReportTables.pVsQ(cmp.pVsQ()),
                ReportTables.diversity(cmp.diversity()), ReportTables.robustness(cmp.robustness()), ReportTables.overfitting(cmp.overfitting()),
                ReportTables.matrix(a.testSets(), cmp.matrix()), Baselines.gainTable(a.headlineRule(), gains)));
        List<Baselines.Score> others = Baselines.others(table, runs);
        if (!others.isEmpty()) tables.add(Baselines.scoreTable(others));
        List<TunedBaselines.Tuning> tunings = TunedBaselines.read(experimentDir);
        List<TunedBaselines.Transfer> transfers = TunedBaselines.transfers(tunings, table, a.relations());
        if (!tunings.isEmpty()) tables.add(TunedBaselines.table(transfers));
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
        List<RealScans.Score> realScans = options.realTestSets().isEmpty() ? List.of()
                : RealScans.read(results, runs, options.realTestSets(), names);
        if (!realScans.isEmpty()) tables.add(RealScans.table(realScans));
        Path analyses = experimentDir.resolve("analyses");
        Path figures = experimentDir.resolve("figures");
        Map<String, byte[]> figs = new LinkedHashMap<>();
        for (int i = 0; i < a.models().size(); i++) {
            String m = a.models().get(i);
            figs.put("robustness-" + (i + 1), Charts.robustness(cmp, m, names.getOrDefault(m, m), i));
            figs.put("p_vs_q-" + (i + 1), Charts.pVsQ(cmp, m, names.getOrDefault(m, m)));
            figs.put("overfitting-" + (i + 1), Charts.overfitting(a, m, names.getOrDefault(m, m)));
        }
        figs.put("diversity", Charts.diversity(cmp));
        figs.put("matrix", Charts.matrix(a, names));
        if (sims != null) figs.put("similarity", Charts.similarity(simPoints, sims.embedding()));
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
        List<String> findings = Findings.main(a, gains, names);
        // every trained architecture, also when its study design allows no claim (the claims view lists only those with one)
        findings.add(0, "Architectures: " + String.join("; ", a.models().stream().map(m -> m + " = " + names.getOrDefault(m, m)).toList()) + ".");
        // a tuned baseline's instances (NAME@SET) are summed up by its own finding; the table keeps every one
        java.util.Set<String> tunedRuns = new java.util.HashSet<>();
        for (TunedBaselines.Tuning t : tunings) tunedRuns.add(t.run());
        findings.addAll(Findings.baselines(others.stream().filter(o -> !tunedRuns.contains(o.baseline())).toList()));
        findings.addAll(TunedBaselines.findings(tunings, transfers));
        if (sims != null) findings.addAll(Findings.similarity(a, simCorr, sims, names));
        findings.addAll(Findings.pathology(pathDiff, names));
        findings.addAll(RealScans.findings(realScans));
        List<String> summary = new ArrayList<>();
        summary.add(view.heading());
        view.text().forEach(l -> summary.add("  " + l));
        summary.add("");
        summary.addAll(findings);
        summary.addAll(Findings.claims(claims, names));
        AtomicFiles.writeString(experimentDir.resolve("summary.txt"), String.join("\n", summary) + "\n");
        Path html = experimentDir.resolve("report.html");
        AtomicFiles.writeString(html, ReportHtml.render(experimentDir, a, view, tables, figs, findings, realScans));
        return new Built(html, view, tables, findings);
    }
}
