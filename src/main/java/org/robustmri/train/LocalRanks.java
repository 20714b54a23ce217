package org.robustmri.train;

import org.robustmri.io.DataException;
import org.robustmri.io.OutputDirectory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Data-parallel training with N ranks on this host: ranks 1..N-1 run as child JVMs ({@link #main}, same classpath
 * and JVM options, each logging to {@code RUN_DIR/rank-R.log}), rank 0 in this process; they meet through c10d on a
 * free local port. A child that fails, or stops answering within the timeout, makes the run fail with one line that
 * names it; children still alive at the end are killed.
 */
public final class LocalRanks {
    private LocalRanks() {
    }

    /**
     * Trains {@code spec} in {@code dir} with {@code n} ranks. The spec's threads are split among the ranks unless
     * {@code threadsGiven}; {@code summary} receives rank 0's all-reduce cost line.
     */
    public static Trainer.Progress train(TrainSpec spec, Path dir, TrainListener listener, int n, long timeoutMillis,
                                         Distributed.Kind backend, boolean threadsGiven, Consumer<String> summary) {
        int port = freePort();
        int cores = Runtime.getRuntime().availableProcessors();
        TrainSpec shared = (threadsGiven ? spec : spec.override(Map.of("threads", Math.max(1, cores / n))).withDefaults())
                .resolvedAgainst(Path.of(""));
        TrainRun.split(shared.validate()); // the config and its data selection are checked before anything is written
        OutputDirectory.claim(dir, OutputDirectory.Kind.RUN);
        Path specFile;
        try {
            specFile = Files.createTempFile(dir.toAbsolutePath().getParent(), ".ranks-", ".yaml");
            Files.writeString(specFile, shared.toYaml());
        } catch (IOException e) {
            throw new DataException(dir, "cannot prepare the ranks: " + e.getMessage(), e);
        }
        List<Process> children = new ArrayList<>();
        try {
            for (int r = 1; r < n; r++) children.add(start(specFile, dir, n, r, port, timeoutMillis, backend));
            Trainer.Progress progress;
            try (Distributed d = Distributed.connect(new Distributed.Config(0, n, "127.0.0.1", port, timeoutMillis), backend)) {
                progress = TrainRun.run(shared, dir, listener, d);
                summary.accept(d.reduceSummary());
            }
            for (int r = 1; r < n; r++) {
                Process c = children.get(r - 1);
                if (!c.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) || c.exitValue() != 0) {
                    throw new DataException(log(dir, r), "rank " + r + " failed (exit " + (c.isAlive() ? "none: still running" : c.exitValue()) + ")");
                }
            }
            return progress;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the ranks", e);
        } catch (RuntimeException e) {
            throw blame(e, children, dir, timeoutMillis);
        } finally {
            for (Process c : children) if (c.isAlive()) c.destroyForcibly();
            try {
                Files.deleteIfExists(specFile);
            } catch (IOException ignored) {
                // a leftover spec copy is hidden and harmless
            }
        }
    }

    /** Rank 0's failure, put on the rank that caused it: one that exited with an error, or one that stopped answering. */
    private static RuntimeException blame(RuntimeException e, List<Process> children, Path dir, long timeoutMillis) {
        if (e instanceof DataException de && de.getMessage().contains("rank-")) return e;
        String rank0 = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        for (int r = 1; r <= children.size(); r++) {
            Process c = children.get(r - 1);
            if (!c.isAlive() && c.exitValue() != 0) {
                return new DataException(log(dir, r), "rank " + r + " stopped (exit " + c.exitValue() + "); rank 0: " + rank0, e);
            }
        }
        for (int r = 1; r <= children.size(); r++) {
            if (children.get(r - 1).isAlive()) {
                return new DataException(log(dir, r), "rank " + r + " is running but did not answer within " + timeoutMillis / 1000
                        + " s (stopped or hung); it was killed; rank 0: " + rank0, e);
            }
        }
        return e;
    }

    private static Process start(Path specFile, Path dir, int n, int r, int port, long timeoutMillis, Distributed.Kind backend) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalRanks.class.getName(), specFile.toString(),
                dir.toString(), Integer.toString(n), Integer.toString(r), Integer.toString(port), Long.toString(timeoutMillis), backend.name()));
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(dir, r).toFile()).start();
        } catch (IOException e) {
            throw new DataException(dir, "cannot start rank " + r + ": " + e.getMessage(), e);
        }
    }

    private static Path log(Path dir, int rank) {
        return dir.resolve("rank-" + rank + ".log");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new DataException("cannot find a free local port: " + e.getMessage(), e);
        }
    }

    /** One child rank: {@code SPEC.yaml RUN_DIR WORLD RANK PORT TIMEOUT_MS BACKEND}; errors as one line, exit 1. */
    public static void main(String[] args) {
        try {
            TrainSpec spec = TrainSpec.read(Path.of(args[0]));
            Distributed.Config c = new Distributed.Config(Integer.parseInt(args[3]), Integer.parseInt(args[2]), "127.0.0.1",
                    Integer.parseInt(args[4]), Long.parseLong(args[5]));
            try (Distributed d = Distributed.connect(c, Distributed.Kind.parse(args[6]))) {
                Trainer.Progress p = TrainRun.run(spec, Path.of(args[1]), null, d);
                System.out.println(d.reduceSummary());
                System.out.printf(java.util.Locale.ROOT, "rank %d: trained %d epochs (%d steps)%n", c.rank(), p.epochsDone(), p.step());
            }
            System.exit(0);
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getName() : e.getMessage().lines().findFirst().orElse("");
            System.out.println("error: " + m);
            System.exit(1);
        }
    }
}
