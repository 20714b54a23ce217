package org.robustmri.experiment;

import org.robustmri.data.Catalog;
import org.robustmri.eval.Evaluator;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;
import org.robustmri.io.Manifest;
import org.robustmri.io.Provenance;
import org.robustmri.report.Report;
import org.robustmri.report.RunInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.robustmri.experiment.StudyContext.orDefault;

/**
 * The study's merged outputs, rewritten on every run and committed together: the manifest is deleted first and written
 * last, after {@code results.csv} (every run's and baseline's rows), {@code runs.csv}, {@code relations.csv}, the
 * similarity table, the panels, the analyses, figures and {@code report.html}, and {@code provenance.json}.
 */
final class StudyOutputs {
    private final StudyContext ctx;

    StudyOutputs(StudyContext ctx) {
        this.ctx = ctx;
    }

    Path manifest() {
        return ctx.out().resolve("manifest.json");
    }

    /** A stale record must never vouch for outputs being rewritten. */
    void invalidate() {
        try {
            Files.deleteIfExists(manifest());
        } catch (IOException e) {
            throw new DataException(manifest(), "cannot delete: " + e.getMessage(), e);
        }
    }

    /** Every run's results, then every baseline's, under one header. */
    void mergeResults(List<Experiment.RunPlan> runs, List<Path> baselines) {
        AtomicFiles.write(ctx.out().resolve("results.csv"), tmp -> {
            try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(Evaluator.HEADER);
                w.newLine();
                List<Path> files = new ArrayList<>();
                for (Experiment.RunPlan r : runs) files.add(ctx.runDir(r.run()).resolve("eval").resolve("results.csv"));
                files.addAll(baselines);
                for (Path f : files) {
                    List<String> lines = Files.readAllLines(f);
                    for (String line : lines.subList(1, lines.size())) {
                        w.write(line);
                        w.newLine();
                    }
                }
            }
        });
    }

    void panels(List<Experiment.RunPlan> runs, Catalog test, Experiment.Listener l) {
        l.phase("panels", ctx.config().testSets().size(), "test sets");
        Panels.draw(ctx.out().resolve("panels"), runs, ctx.tests(), test, ctx.dataRootPath(), runs.get(0).spec().mask(),
                orDefault(ctx.config().panelSlices(), 1), () -> l.step(""));
        l.endPhase();
    }

    /** Provenance, then the manifest of every merged output: the study's commit point. */
    void commit(List<Experiment.RunPlan> runs, Report.Built built, String fingerprint, double wallSeconds, boolean withSimilarity) {
        Path out = ctx.out();
        new Provenance("experiment")
                .put("name", ctx.config().name())
                .put("runs", runs.size())
                .put("test_sets", ctx.config().testSets())
                .put("wall_seconds_this_invocation", wallSeconds)
                .put("config", "experiment.yaml")
                .put("config_sha256", fingerprint)
                .write(out.resolve("provenance.json"));
        List<Path> outputs = new ArrayList<>(List.of(out.resolve("experiment.yaml"), out.resolve("results.csv"),
                out.resolve("runs.csv"), out.resolve("relations.csv"), out.resolve("provenance.json"), built.html()));
        if (withSimilarity) outputs.add(out.resolve(Experiment.SIMILARITY_CSV));
        for (String sub : List.of("analyses", "figures", "panels")) outputs.addAll(filesIn(out.resolve(sub)));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", ctx.config().name());
        fields.put("config_sha256", fingerprint);
        fields.put("runs", runs.size());
        new Manifest(fields, Manifest.of(out, outputs, fields).files()).write(manifest());
    }

    private static List<Path> filesIn(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list: " + e.getMessage(), e);
        }
    }

    void writeRuns(List<RunInfo> infos) {
        RunInfo.write(ctx.out().resolve("runs.csv"), infos);
    }
}
