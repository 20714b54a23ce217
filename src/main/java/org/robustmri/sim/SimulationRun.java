package org.robustmri.sim;

import org.robustmri.io.Manifest;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

import org.bytedeco.javacpp.PointerScope;
import org.robustmri.io.FastMriWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulates and writes many volumes with a pool of threads. The work units are slices, handed out in
 * (distribution, volume, slice) order; the thread that finishes a volume's last slice writes its file and records
 * it (size and SHA-256) in {@value #VOLUMES}. Every slice depends only on (seed, distribution, volume, slice), so the
 * files are identical for any thread count, and a run that was stopped keeps the volumes it recorded.
 */
public final class SimulationRun {
    private SimulationRun() {
    }

    /**
     * What to simulate.
     *
     * @param volumes volumes per distribution
     * @param slices  slices per volume
     * @param matrix  target size M (k-space is 2M x M)
     * @param seed    global seed
     * @param threads worker threads
     */
    public record Settings(int volumes, int slices, int matrix, long seed, int threads) {
        public Settings {
            if (volumes < 1) throw new IllegalArgumentException("volumes must be positive, got " + volumes);
            if (volumes > 100_000) throw new IllegalArgumentException("volumes must be at most 100000, got " + volumes);
            if (threads < 1) throw new IllegalArgumentException("threads must be positive, got " + threads);
            if (threads > 256) throw new IllegalArgumentException("threads must be at most 256, got " + threads);
            Simulator.checkSizes(slices, matrix);
        }
    }

    /** What was written and how long it took (compute and write seconds are summed over threads). */
    public record Result(List<Path> files, long slices, double wallSeconds, double simulateSeconds, double writeSeconds) {
        public double slicesPerSecond() {
            return wallSeconds > 0 ? slices / wallSeconds : Double.NaN;
        }
    }

    /**
     * Simulates {@code settings.volumes()} volumes of each distribution into {@code outDir} as
     * {@link SimulatedVolume#fileName()} files; {@code onSlice} (may be null) is called after every slice from
     * the worker threads. Returns the files in (distribution, volume) order.
     */
    public static Result run(List<DistributionRecipe> distributions, Settings settings, Path outDir, Runnable onSlice) {
        if (distributions.isEmpty()) throw new IllegalArgumentException("no distributions given");
        for (DistributionRecipe d : distributions) VolumeJob.checkFits(d.coils(), settings.slices(), settings.matrix());
        org.robustmri.io.OutputDirectory.claim(outDir, org.robustmri.io.OutputDirectory.Kind.SIMULATION);
        int perDistribution = settings.volumes();
        int volumes = distributions.size() * perDistribution;
        int slices = settings.slices();
        VolumeJob[] jobs = new VolumeJob[volumes];
        Path[] written = new Path[volumes];
        // volumes written by an earlier, interrupted run are kept when their size and hash match the record
        Path record = outDir.resolve(VOLUMES);
        Map<String, String> recorded = new TreeMap<>(Manifest.read(record).map(Manifest::files).orElse(Map.of()));
        Map<String, Object> recordFields = Map.of("seed", settings.seed(), "slices", slices, "matrix", settings.matrix());
        if (!Manifest.read(record).map(m -> m.fields().equals(recordFieldsAsRead(recordFields))).orElse(true)) recorded.clear();
        List<Integer> pending = new ArrayList<>();
        for (int v = 0; v < volumes; v++) {
            String name = SimulatedVolume.fileName(distributions.get(v / perDistribution).name(), v % perDistribution);
            Path f = outDir.resolve(name);
            if (recorded.containsKey(name) && Files.isRegularFile(f) && Manifest.fingerprint(f).equals(recorded.get(name))) {
                written[v] = f;
                if (onSlice != null) for (int s = 0; s < slices; s++) onSlice.run();
            } else {
                recorded.remove(name);
                pending.add(v);
            }
        }
        long total = (long) pending.size() * slices;
        AtomicLong next = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        AtomicLong simulateNanos = new AtomicLong(), writeNanos = new AtomicLong();
        AtomicInteger created = new AtomicInteger();
        Object lock = new Object();
        long start = System.nanoTime();

        Runnable worker = () -> {
            long t;
            while (!failed.get() && (t = next.getAndIncrement()) < total) {
                int v = pending.get((int) (t / slices));
                int s = (int) (t % slices);
                VolumeJob job;
                synchronized (lock) {
                    job = jobs[v];
                    if (job == null) {
                        DistributionRecipe d = distributions.get(v / perDistribution);
                        job = new VolumeJob(d, settings.seed(), v % perDistribution, slices, settings.matrix());
                        jobs[v] = job;
                        created.incrementAndGet();
                    }
                }
                long t0 = System.nanoTime();
                int done;
                try (PointerScope scope = new PointerScope()) {
                    done = job.computeSlice(s);
                }
                simulateNanos.addAndGet(System.nanoTime() - t0);
                if (onSlice != null) onSlice.run();
                if (done == slices) {
                    long t1 = System.nanoTime();
                    SimulatedVolume volume = job.result();
                    Path file = outDir.resolve(volume.fileName());
                    FastMriWriter.writeVolume(file, volume.toWriterVolume());
                    written[v] = file;
                    String print = Manifest.fingerprint(file);
                    synchronized (lock) {
                        jobs[v] = null; // release the volume's memory
                        recorded.put(file.getFileName().toString(), print);
                        new Manifest(recordFields, recorded).write(record);
                    }
                    writeNanos.addAndGet(System.nanoTime() - t1);
                }
            }
        };

        int threads = (int) Math.max(1, Math.min(settings.threads(), total));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "simulate");
            th.setDaemon(true);
            return th;
        });
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                try {
                    worker.run();
                } catch (RuntimeException | Error e) {
                    failed.set(true);
                    throw e;
                }
            }));
        }
        Throwable error = null;
        try {
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (error == null) error = e.getCause();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.set(true);
            error = e;
        } finally {
            pool.shutdownNow();
        }
        if (error instanceof RuntimeException re) throw re;
        if (error instanceof Error er) throw er;
        if (error != null) throw new IllegalStateException("simulation interrupted", error);
        List<Path> files = new ArrayList<>(List.of(written));
        writeAnnotations(outDir.resolve(ANNOTATIONS), files);
        double wall = (System.nanoTime() - start) / 1e9;
        return new Result(files, total, wall, simulateNanos.get() / 1e9, writeNanos.get() / 1e9);
    }

    /** The lesion boxes of the volumes written, as fastMRI+ annotations ({@code file,slice,study_level,x,y,width,height,label}). */
    public static final String ANNOTATIONS = "annotations.csv";

    /** Collects every file's lesion boxes (a root attribute) into one fastMRI+-style CSV, written atomically. */
    static void writeAnnotations(Path csv, List<Path> files) {
        StringBuilder sb = new StringBuilder("file,slice,study_level,x,y,width,height,label\n");
        for (Path f : files) {
            String boxes;
            try (org.robustmri.io.FastMriFile h = org.robustmri.io.FastMriFile.open(f)) {
                boxes = h.stringAttribute(SimulatedVolume.LESION_BOXES).orElse("");
            }
            String stem = f.getFileName().toString().replaceFirst("\\.h5$", "");
            for (String b : boxes.split(";")) {
                if (b.isBlank()) continue;
                String[] v = b.split(":");
                sb.append(stem).append(',').append(v[0]).append(",No,").append(v[1]).append(',').append(v[2]).append(',').append(v[3]).append(',')
                        .append(v[4]).append(",Lesion\n");
            }
        }
        org.robustmri.io.AtomicFiles.writeString(csv, sb.toString());
    }

    /** The record of finished volumes in an output folder (file name, size and SHA-256 of each). */
    public static final String VOLUMES = "volumes.json";

    /** Fields as they come back from JSON (integers as Integer or Long), for comparing a record's settings. */
    private static Map<String, Object> recordFieldsAsRead(Map<String, Object> f) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        f.forEach((k, v) -> out.put(k, v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) l.intValue() : v));
        return out;
    }
}
