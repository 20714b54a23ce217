package org.robustmri.report;

import org.robustmri.model.ModelRegistry;
import org.robustmri.train.TrainRun;
import org.robustmri.train.TrainSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Architectures in words with their size ("U-Net, 8 channels, 3 pools, 120k parameters"), from the runs' recorded models. */
final class ArchitectureNames {
    private ArchitectureNames() {
    }

    /** Per model label of the runs, its description; the label itself where a run's config cannot be read. */
    static Map<String, String> of(Path experimentDir, List<RunInfo> runs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RunInfo r : runs) {
            if (out.containsKey(r.model())) continue;
            Path dir = experimentDir.resolve("runs").resolve(r.run());
            String words = r.model();
            if (Files.isRegularFile(dir.resolve("config.yaml"))) {
                try {
                    words = ModelRegistry.describe(TrainRun.modelSpec(TrainSpec.readRun(dir)));
                } catch (RuntimeException e) {
                    words = r.model(); // an unreadable run config leaves the label
                }
            }
            out.put(r.model(), words);
        }
        return out;
    }
}
