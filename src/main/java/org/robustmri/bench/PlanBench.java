package org.robustmri.bench;

import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Mixture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Heap held by a synthetic catalog, its mixture and its epoch plans (training computes one epoch's plan at a time;
 * holding all at once is measured for comparison).
 */
public final class PlanBench {
    public record Result(int slices, int volumes, int distributions, int epochs, long catalogBytes, int draws, long onePlanBytes,
                         double planMillis, long allPlansBytes) {
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add(String.format(Locale.ROOT, "synthetic catalog: %d slices in %d volumes, %d distributions; catalog and mixture %.1f MiB",
                    slices, volumes, distributions, mib(catalogBytes)));
            l.add(String.format(Locale.ROOT, "one epoch's plan (%d draws): %.1f MiB, computed in %.0f ms; %d epochs computed one at a time hold %.1f MiB at any moment",
                    draws, mib(onePlanBytes), planMillis, epochs, mib(onePlanBytes)));
            if (allPlansBytes >= 0) {
                l.add(String.format(Locale.ROOT, "all %d plans held at once: %.1f MiB (%.1fx one plan)", epochs, mib(allPlansBytes),
                        (double) allPlansBytes / onePlanBytes));
            }
            return l;
        }

        private static double mib(long bytes) {
            return bytes / 1048576.0;
        }
    }

    private PlanBench() {
    }

    /** {@code slices} slices in volumes of {@code perVolume}, dealt round-robin to {@code distributions} components. */
    public static Result run(int slices, int perVolume, int distributions, int epochs, boolean holdAll) {
        long base = usedHeap();
        int volumes = (slices + perVolume - 1) / perVolume;
        Mixture mix = syntheticMixture(slices, perVolume, distributions, volumes);
        long catalog = usedHeap() - base;
        long t0 = System.nanoTime();
        Mixture.EpochPlan one = mix.plan(1);
        double planMs = (System.nanoTime() - t0) / 1e6;
        long onePlan = usedHeap() - base - catalog;
        long held = -1;
        if (holdAll) {
            List<Mixture.EpochPlan> all = new ArrayList<>();
            all.add(one);
            for (int e = 2; e <= epochs; e++) all.add(mix.plan(e));
            held = usedHeap() - base - catalog;
            if (all.size() != epochs) throw new IllegalStateException("plans lost");
        }
        return new Result(slices, volumes, distributions, epochs, catalog, one.size(), onePlan, planMs, held);
    }

    private static Mixture syntheticMixture(int slices, int perVolume, int distributions, int volumes) {
        Map<Integer, List<CatalogEntry>> parts = new TreeMap<>();
        int left = slices;
        for (int v = 0; v < volumes; v++) {
            int n = Math.min(perVolume, left);
            left -= n;
            Map<String, String> cells = new LinkedHashMap<>();
            cells.put("filename", String.format(Locale.ROOT, "file_synthetic_%07d.h5", v));
            cells.put("start_slice", "0");
            cells.put("end_slice", Integer.toString(n));
            cells.put("numSlices", Integer.toString(n));
            cells.put("datasetName", "synthetic-" + (v % distributions));
            parts.computeIfAbsent(v % distributions, k -> new ArrayList<>()).add(CatalogEntry.of(cells));
        }
        var b = Mixture.builder().seed(0);
        for (var e : parts.entrySet()) b.add("synthetic-" + e.getKey(), e.getValue());
        return b.build();
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
