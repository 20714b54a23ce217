package org.robustmri.experiment;

import org.robustmri.data.Catalog;
import org.robustmri.model.ModelRegistry;
import org.robustmri.report.RunInfo;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainRun;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains and evaluates the runs of a grid, one after another or several at once (each with its share of the cores);
 * the results are those of the sequential order, since each run's numbers depend only on its own spec and seeds.
 */
final class RunScheduler {
    private final StudyContext ctx;
    private final Integer override;

    RunScheduler(StudyContext ctx, Integer override) {
        this.ctx = ctx;
        this.override = override;
    }

    /** How many runs at once: the override, the config's {@code parallel}, else one per core for small one-thread models. */
    int parallelRuns(List<Experiment.RunPlan> runs) {
        if (override != null) return Math.max(1, override);
        if (ctx.config().parallel() != null) return Math.max(1, ctx.config().parallel());
        int cores = Runtime.getRuntime().availableProcessors();
        for (Experiment.RunPlan r : runs) {
            if (r.spec().threads() != 1 || ModelRegistry.parameterCount(TrainRun.modelSpec(r.spec())) > 5_000_000) return 1;
        }
        return Math.min(cores, runs.size());
    }

    List<RunInfo> run(List<Experiment.RunPlan> runs, Catalog test, Experiment.Listener l) {
        int parallel = parallelRuns(runs);
        return parallel <= 1 ? sequential(runs, l) : concurrent(runs, test, l, parallel);
    }

    /** Trains then evaluates one run. */
    private RunInfo one(int k, int of, Experiment.RunPlan r, Experiment.Listener l) {
        TrainPhase.run(ctx, k, of, r, l);
        return EvaluationPhase.run(ctx, k, of, r, l);
    }

    private List<RunInfo> sequential(List<Experiment.RunPlan> runs, Experiment.Listener l) {
        List<RunInfo> infos = new ArrayList<>();
        for (int k = 1; k <= runs.size(); k++) infos.add(one(k, runs.size(), runs.get(k - 1), l));
        return infos;
    }

    /** Runs {@code parallel} at a time under one progress bar of their remaining training steps and evaluated slices. */
    private List<RunInfo> concurrent(List<Experiment.RunPlan> runs, Catalog test, Experiment.Listener l, int parallel) {
        long total = 0;
        for (Experiment.RunPlan r : runs) {
            total += TrainPhase.remainingSteps(new RunDirectory(ctx.runDir(r.run())), r) + EvaluationPhase.remainingSlices(ctx, r, test);
        }
        l.phase(String.format(Locale.ROOT, "train and evaluate %d runs, %d at a time", runs.size(), parallel), total, "steps");
        Experiment.Listener quiet = new Experiment.Listener() {
            @Override
            public synchronized void step(String detail) {
                l.step(detail);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "robustmri-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<RunInfo>> futures = new ArrayList<>();
            for (int k = 1; k <= runs.size(); k++) {
                int index = k;
                futures.add(pool.submit(() -> one(index, runs.size(), runs.get(index - 1), quiet)));
            }
            List<RunInfo> infos = new ArrayList<>();
            for (Future<RunInfo> f : futures) infos.add(get(f));
            return infos;
        } finally {
            pool.shutdownNow();
            l.endPhase();
        }
    }

    private static RunInfo get(Future<RunInfo> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
