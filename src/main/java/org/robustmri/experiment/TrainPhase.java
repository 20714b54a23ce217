package org.robustmri.experiment;

import org.robustmri.train.Distributed;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainListener;
import org.robustmri.train.TrainRun;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains one run of the grid in {@code runs/NAME} (or finds it finished: its commits verified, its provenance completed),
 * with the study as the anchor its paths are recorded against.
 */
final class TrainPhase {
    private TrainPhase() {
    }

    /** Training steps the run still needs. */
    static long remainingSteps(RunDirectory rd, Experiment.RunPlan r) {
        if (rd.finishedEpochs() >= r.spec().epochs()) return 0;
        long steps = 0;
        TrainRun.Prepared p = TrainRun.prepare(r.spec());
        for (int e = 1; e <= r.spec().epochs(); e++) steps += p.train().batchesInEpoch(e);
        return steps - rd.doneSteps();
    }

    static void run(StudyContext ctx, int k, int of, Experiment.RunPlan r, Experiment.Listener l) {
        Path dir = ctx.runDir(r.run());
        RunDirectory rd = new RunDirectory(dir);
        boolean finished = rd.finishedEpochs() >= r.spec().epochs();
        if (!finished) l.phase(String.format(Locale.ROOT, "train %d/%d %s", k, of, r.run()), remainingSteps(rd, r), "steps");
        TrainRun.run(r.spec(), dir, ctx.out(), new TrainListener() {
            @Override
            public void onStep(int epoch, long step, double loss, double lr) {
                l.step(String.format(Locale.ROOT, "epoch %d loss %.4f", epoch, loss));
            }
        }, Distributed.single());
        if (!finished) l.endPhase();
    }
}
