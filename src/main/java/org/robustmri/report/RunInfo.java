package org.robustmri.report;

import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each run of an experiment was trained on (runs.csv next to results.csv): its training set, the
 * distributions it contains, model and seeds, and per epoch the validation (in-distribution) SSIM used for
 * early stopping.
 */
public record RunInfo(String run, String trainSet, Set<String> components, String model, long modelSeed, long dataSeed,
                      Map<Integer, Double> validation) {
    public static final String HEADER = "run,train_set,components,model,model_seed,data_seed,validation_ssim_by_epoch";

    public boolean isSingle() {
        return components.size() == 1;
    }

    public String toCsv() {
        StringBuilder v = new StringBuilder();
        validation.forEach((e, s) -> v.append(v.length() == 0 ? "" : ";").append(e).append(':').append(s));
        return String.join(",", run, trainSet, String.join("|", components), model, Long.toString(modelSeed),
                Long.toString(dataSeed), v.toString());
    }

    public static void write(Path file, List<RunInfo> runs) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (RunInfo r : runs) sb.append(r.toCsv()).append('\n');
        AtomicFiles.writeString(file, sb.toString());
    }

    public static List<RunInfo> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) throw new DataException(file, "not a runs.csv");
            List<RunInfo> out = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) {
                if (l.isBlank()) continue;
                String[] f = l.split(",", -1);
                Map<Integer, Double> val = new TreeMap<>();
                if (!f[6].isEmpty()) {
                    for (String kv : f[6].split(";")) {
                        String[] p = kv.split(":");
                        val.put(Integer.parseInt(p[0]), Double.parseDouble(p[1]));
                    }
                }
                out.add(new RunInfo(f[0], f[1], new java.util.LinkedHashSet<>(Arrays.asList(f[2].split("\\|"))), f[3],
                        Long.parseLong(f[4]), Long.parseLong(f[5]), val));
            }
            return out;
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
