package org.robustmri.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Repeated measurements, ascending, with the summaries the benchmarks report. */
public record Timings(List<Double> values) {
    public Timings {
        if (values.isEmpty()) throw new IllegalArgumentException("no measurements");
        values = values.stream().sorted().toList();
    }

    public static Timings of(List<Double> values) {
        return new Timings(new ArrayList<>(values));
    }

    public double lowest() {
        return values.get(0);
    }

    public double highest() {
        return values.get(values.size() - 1);
    }

    /** The upper median, as every benchmark here has reported it. */
    public double median() {
        return values.get(values.size() / 2);
    }

    public int count() {
        return values.size();
    }

    /** Peak resident set size of this process (VmHWM, which includes native libtorch memory) in MiB; NaN off Linux. */
    public static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException ignored) {
            // not on Linux: unknown
        }
        return Double.NaN;
    }
}
