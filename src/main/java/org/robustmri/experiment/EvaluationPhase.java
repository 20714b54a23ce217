package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.eval.RunEvaluation;
import org.robustmri.mask.MaskFunction;
import org.robustmri.report.RunInfo;
import org.robustmri.train.RunDirectory;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores every epoch's checkpoint of a run on every test set (with the pathology boxes when the study has them) into
 * {@code runs/NAME/eval}, unless a complete evaluation is there; returns what the report needs to know of the run.
 */
final class EvaluationPhase {
    private EvaluationPhase() {
    }

    /** Slices the run's evaluation still has to score (an estimate for the progress bar). */
    static long remainingSlices(StudyContext ctx, Experiment.RunPlan r, Catalog test) {
        if (RunEvaluation.complete(ctx.runDir(r.run()).resolve("eval"))) return 0;
        long slices = 0;
        for (Map.Entry<String, JsonNode> t : ctx.tests().entrySet()) for (CatalogEntry e : ctx.testVolumes(t, test)) slices += e.slices();
        return slices * r.spec().epochs();
    }

    static RunInfo run(StudyContext ctx, int k, int of, Experiment.RunPlan r, Experiment.Listener l) {
        Path dir = ctx.runDir(r.run());
        RunDirectory rd = new RunDirectory(dir);
        Path evalDir = dir.resolve("eval");
        if (!RunEvaluation.complete(evalDir)) {
            List<RunEvaluation.TestSet> sets = RunEvaluation.testSets(r.spec(), ctx.tests(), ctx.testCatalogs(), ctx.dataRootPath());
            MaskFunction mask = MaskFunction.fromName(r.spec().mask().type(), r.spec().mask().accelerations(), r.spec().mask().centerFractions());
            long slices = 0;
            for (RunEvaluation.TestSet s : sets) for (CatalogEntry e : s.entries()) slices += e.slices();
            l.phase(String.format(Locale.ROOT, "evaluate %d/%d %s", k, of, r.run()), slices * rd.checkpointEpochs().size(), "slices");
            RunEvaluation.run(dir, RunEvaluation.Which.ALL, sets, mask, ctx.normalizeOutput(), evalDir, r.set().name(), ctx.pathologyBoxes(),
                    s -> l.step(""));
            l.endPhase();
        }
        return new RunInfo(r.run(), r.set().name(), new LinkedHashSet<>(r.set().components()), r.model().label(),
                r.modelSeed(), r.dataSeed(), rd.validationByEpoch());
    }
}
