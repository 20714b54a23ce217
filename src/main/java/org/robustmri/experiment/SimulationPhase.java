package org.robustmri.experiment;

import org.robustmri.data.CatalogScanner;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;
import org.robustmri.sim.DistributionRecipe;
import org.robustmri.sim.SimulationRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.robustmri.experiment.StudyContext.orDefault;

/**
 * A simulated study's data: train, validation and test splits of the same named distributions (different subjects,
 * seeds {@code seed + 1000003 i}), each catalogued beside it; marked complete by {@code data/.complete}, so a resume
 * skips it (the volumes themselves are recorded and verified by {@link SimulationRun}).
 */
final class SimulationPhase {
    private SimulationPhase() {
    }

    static void run(StudyContext ctx, Experiment.Listener l) {
        ExperimentConfig.Simulate s = ctx.config().simulate();
        Path done = ctx.dataDir().resolve(".complete");
        if (Files.exists(done)) return;
        List<DistributionRecipe> dists = ctx.library().resolve(s.distributions());
        int slices = orDefault(s.slices(), 8), matrix = orDefault(s.matrix(), 64);
        long seed = s.seed() == null ? 0 : s.seed();
        int threads = Runtime.getRuntime().availableProcessors();
        String[] splits = {"train", "validation", "test"};
        int[] volumes = {orDefault(s.trainVolumes(), 6), orDefault(s.validationVolumes(), 1), orDefault(s.testVolumes(), 2)};
        long total = 0;
        for (int v : volumes) total += (long) v * slices * dists.size();
        l.phase("simulate", total, "slices");
        for (int i = 0; i < splits.length; i++) {
            if (volumes[i] == 0) continue;
            Path dir = ctx.dataDir().resolve(splits[i]);
            SimulationRun.run(dists, new SimulationRun.Settings(volumes[i], slices, matrix, seed + 1_000_003L * i, threads), dir, () -> l.step(""));
            CatalogScanner.Result r = CatalogScanner.scan(List.of(dir), CatalogScanner.Options.defaults());
            if (!r.failures().isEmpty()) throw new DataException(dir, r.failures().size() + " simulated file(s) failed to catalog");
            r.catalog().write(ctx.dataDir().resolve(splits[i] + ".csv"));
        }
        l.endPhase();
        AtomicFiles.writeString(done, "ok\n");
    }
}
