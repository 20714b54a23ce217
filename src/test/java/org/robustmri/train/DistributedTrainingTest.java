package org.robustmri.train;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.data.CatalogScanner;
import org.robustmri.io.Safetensors;
import org.robustmri.sim.DistributionLibrary;
import org.robustmri.sim.SimulationRun;
import org.robustmri.tensor.Tensors;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data-parallel training over c10d/Gloo on loopback: two ranks take the steps one rank takes with their joint batch. */
class DistributedTrainingTest {
    @TempDir
    static Path tmp;
    static Path catalog;

    @BeforeAll
    static void data() throws Exception {
        Path dir = tmp.resolve("sim");
        SimulationRun.run(DistributionLibrary.builtIn().resolve(List.of("knee-pd-3T-15ch")), new SimulationRun.Settings(2, 3, 32, 11, 2), dir, null);
        catalog = tmp.resolve("train.csv");
        CatalogScanner.scan(List.of(dir), CatalogScanner.Options.defaults()).catalog().write(catalog);
    }

    static TrainSpec spec(int batch) {
        return TrainSpec.empty().override(Map.of("model", "unet", "chans", 4, "pools", 2, "epochs", 2, "batch_size", batch,
                "threads", 1, "lr", 0.01, "catalogs", List.of(catalog.toString()),
                "train", Map.of("pd", List.of(Map.of("datasetName", "knee-pd-3T-15ch"))))).withDefaults();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void twoRanksWithHalfTheBatchEndWithTheWeightsOfOneRank() throws Exception {
        Path single = tmp.resolve("single");
        TrainRun.run(spec(2), single, null);
        Path dual = tmp.resolve("dual");
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?>[] ranks = new Future<?>[2];
            for (int r = 0; r < 2; r++) {
                int rank = r;
                ranks[r] = pool.submit(() -> {
                    try (Distributed d = Distributed.connect(new Distributed.Config(rank, 2, "127.0.0.1", port, 60_000), Distributed.Kind.GLOO)) {
                        return TrainRun.run(spec(2), dual, null, d);
                    }
                });
            }
            for (Future<?> f : ranks) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        var a = Safetensors.read(new RunDirectory(single).checkpoint(2)).tensors();
        var b = Safetensors.read(new RunDirectory(dual).checkpoint(2)).tensors();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) {
            float[] x = Tensors.toFloats(a.get(k)), y = Tensors.toFloats(b.get(k));
            double scale = 0;
            for (float v : x) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < x.length; i++) assertThat((double) y[i]).as(k + "[" + i + "]").isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-5 * scale + 1e-7));
        }
        // the same losses were logged (rank 0 writes the log, with the loss reduced over ranks)
        List<String> la = Files.readAllLines(new RunDirectory(single).log()), lb = Files.readAllLines(new RunDirectory(dual).log());
        assertThat(lb).hasSameSizeAs(la);
        for (int i = 1; i < la.size(); i++) {
            String[] fa = la.get(i).split(",", -1), fb = lb.get(i).split(",", -1);
            if (!fa[2].isEmpty()) assertThat(Double.parseDouble(fb[2])).isCloseTo(Double.parseDouble(fa[2]), org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(Files.readString(dual.resolve("run.json"))).contains("\"ranks\" : 2");
    }

    @Test
    void aRunResumesWithAnotherNumberOfRanksAndFromTheCommandLine() throws Exception {
        Path single = tmp.resolve("single-ref");
        TrainRun.run(spec(2), single, null);
        // one rank trains epoch 1 and is stopped; two ranks resume it
        Path mixed = tmp.resolve("mixed");
        assertThatThrownBy(() -> TrainRun.run(spec(2), mixed, new TrainListener() {
            @Override
            public void onStep(int epoch, long step, double loss, double lr) {
                if (epoch == 2) throw new IllegalStateException("stopped");
            }
        })).hasMessage("stopped");
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Trainer.Progress>> ranks = new java.util.ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                ranks.add(pool.submit(() -> {
                    try (Distributed d = Distributed.connect(new Distributed.Config(rank, 2, "127.0.0.1", port, 60_000), Distributed.Kind.GLOO)) {
                        return TrainRun.run(spec(2), mixed, null, d);
                    }
                }));
            }
            for (Future<Trainer.Progress> f : ranks) assertThat(f.get(5, TimeUnit.MINUTES).epochsDone()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        var a = Safetensors.read(new RunDirectory(single).checkpoint(2)).tensors();
        var b = Safetensors.read(new RunDirectory(mixed).checkpoint(2)).tensors();
        for (String k : a.keySet()) {
            float[] x = Tensors.toFloats(a.get(k)), y = Tensors.toFloats(b.get(k));
            for (int i = 0; i < x.length; i++) assertThat((double) y[i]).as(k).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-5));
        }
        // --nproc starts the other ranks itself
        Path cli = tmp.resolve("cli");
        Files.writeString(tmp.resolve("pd.yaml"), "- {datasetName: knee-pd-3T-15ch}\n");
        org.robustmri.cli.CliTestSupport.Result r = org.robustmri.cli.CliTestSupport.run("train", "--out", cli.toString(), "--catalog",
                catalog.toString(), "--train", "pd=" + tmp.resolve("pd.yaml"), "--model", "unet", "--chans", "4", "--pools", "2",
                "--epochs", "2", "--batch-size", "2", "--threads", "1", "--lr", "0.01", "--nproc", "2", "--backend", "gloo");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(cli.resolve("run.json"))).contains("\"ranks\" : 2");
        assertThat(Files.readString(cli.resolve("rank-1.log"))).contains("trained 2 epochs");
        // unet chans 4 pools 2: every gradient goes through the all-reduce each step
        long params = org.robustmri.model.ModelRegistry.parameterCount(org.robustmri.model.ModelRegistry.resolve("unet", Map.of("chans", 4, "pools", 2)));
        assertThat(r.out()).contains("gradient all-reduce (gloo, rank 0 of 2): " + params + " floats");
    }

    @Test
    void groupsMadeAndClosedOneAfterAnotherInOneProcessLeaveTheHeapIntact() throws Exception {
        // a store adopted by the group with the wrong ownership corrupts the native heap once Java frees it: the JVM
        // then aborts within a few rounds (and takes this test run with it)
        for (int round = 0; round < 5; round++) {
            int port = freePort();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<double[]>> ranks = new java.util.ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    int rank = r;
                    ranks.add(pool.submit(() -> {
                        try (Distributed d = Distributed.connect(new Distributed.Config(rank, 2, "127.0.0.1", port, 20_000), Distributed.Kind.GLOO)) {
                            double[] s = null;
                            for (int i = 0; i < 10; i++) {
                                s = d.sum(rank + 1.0, i);
                                d.barrier();
                            }
                            return s;
                        }
                    }));
                }
                for (Future<double[]> f : ranks) assertThat(f.get(1, TimeUnit.MINUTES)).containsExactly(3.0, 18.0);
            } finally {
                pool.shutdownNow();
            }
            System.gc();
            Thread.sleep(100);
        }
    }

    @Test
    void ncclWithoutCudaIsRefusedClearly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.robustmri.tensor.Torch.cudaAvailable(), "a CUDA device is present");
        assertThatThrownBy(() -> Distributed.connect(new Distributed.Config(0, 2, "127.0.0.1", 29999, 1_000), Distributed.Kind.NCCL))
                .hasMessageContaining("backend nccl needs CUDA");
        assertThat(Distributed.localRank(3, Map.of())).isEqualTo(3);
        assertThat(Distributed.localRank(3, Map.of("LOCAL_RANK", "1"))).isEqualTo(1);
        assertThatThrownBy(() -> Distributed.Kind.parse("mpi")).hasMessageContaining("auto, gloo or nccl");
    }

    /** Two ranks over NCCL, one GPU each, match one rank with the joint batch; needs two CUDA devices. */
    @Test
    @org.junit.jupiter.api.Tag("cuda")
    void twoRanksOverNcclOnTwoGpusEndWithTheWeightsOfOneRank() throws Exception {
        int gpus = org.robustmri.tensor.Torch.cudaDeviceCount();
        if (gpus < 2) System.out.println("NCCL test skipped: libtorch reports " + gpus + " CUDA device(s), it needs 2");
        org.junit.jupiter.api.Assumptions.assumeTrue(gpus >= 2, "needs two CUDA devices: skipped");
        Path single = tmp.resolve("nccl-single");
        TrainRun.run(spec(2), single, null);
        Path cli = tmp.resolve("nccl-dual");
        Files.writeString(tmp.resolve("pd-nccl.yaml"), "- {datasetName: knee-pd-3T-15ch}\n");
        org.robustmri.cli.CliTestSupport.Result r = org.robustmri.cli.CliTestSupport.run("train", "--out", cli.toString(), "--catalog",
                catalog.toString(), "--train", "pd=" + tmp.resolve("pd-nccl.yaml"), "--model", "unet", "--chans", "4", "--pools", "2",
                "--epochs", "2", "--batch-size", "2", "--threads", "1", "--lr", "0.01", "--nproc", "2", "--backend", "nccl");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("gradient all-reduce (nccl, rank 0 of 2)");
        var a = Safetensors.read(new RunDirectory(single).checkpoint(2)).tensors();
        var b = Safetensors.read(new RunDirectory(cli).checkpoint(2)).tensors();
        for (String k : a.keySet()) {
            float[] x = Tensors.toFloats(a.get(k)), y = Tensors.toFloats(b.get(k));
            for (int i = 0; i < x.length; i++) assertThat((double) y[i]).as(k).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void aRankThatNeverArrivesFailsTheOthersClearlyWithinTheTimeout() throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Distributed.connect(new Distributed.Config(0, 2, "127.0.0.1", port, 3_000)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("rank 0 of 2").hasMessageContaining("cannot join");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
    }

    @Test
    void aRankThatDiesMakesTheOthersFailClearly() throws Exception {
        Path dir = tmp.resolve("dies");
        Path cfg = tmp.resolve("long.yaml");
        Files.writeString(cfg, spec(2).override(Map.of("epochs", 200)).toYaml());
        int port = freePort();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "org.robustmri.cli.Main", "train", "--config", cfg.toString(), "--out", dir.toString(), "--world-size", "2", "--rank", "1",
                "--master", "127.0.0.1:" + port, "--timeout", "20", "--backend", "gloo");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("rank1.log").toFile()).start();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Trainer.Progress> rank0 = pool.submit(() -> {
                try (Distributed d = Distributed.connect(new Distributed.Config(0, 2, "127.0.0.1", port, 20_000), Distributed.Kind.GLOO)) {
                    return TrainRun.run(TrainSpec.read(cfg), dir, null, d);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (new RunDirectory(dir).committedEpochs().isEmpty()) {
                assertThat(System.nanoTime()).as("training started").isLessThan(deadline);
                Thread.sleep(50);
            }
            child.destroyForcibly();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> rank0.get(2, TimeUnit.MINUTES)).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("rank 0 of 2").hasMessageContaining("another rank has probably stopped");
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds until rank 0 gave up").isLessThan(45);
            // what was committed before stays valid for a resume
            assertThat(new RunDirectory(dir).latestVerifiedCommit()).isPresent();
        } finally {
            child.destroyForcibly();
            pool.shutdownNow();
        }
    }

    @Test
    void aFrozenRankEndsTheRunWithOneLineNamingIt() throws Exception {
        Path dir = tmp.resolve("frozen");
        Files.writeString(tmp.resolve("pd-frozen.yaml"), "- {datasetName: knee-pd-3T-15ch}\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "org.robustmri.cli.Main", "train", "--out", dir.toString(), "--catalog", catalog.toString(), "--train",
                "pd=" + tmp.resolve("pd-frozen.yaml"), "--model", "unet", "--chans", "4", "--pools", "2", "--epochs", "200",
                "--batch-size", "2", "--threads", "1", "--nproc", "2", "--timeout", "8", "--backend", "gloo");
        Path log = tmp.resolve("frozen.log");
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("frozen.out").toFile()).redirectError(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (new RunDirectory(dir).committedEpochs().isEmpty()) {
                assertThat(System.nanoTime()).as("training started").isLessThan(deadline);
                assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
                Thread.sleep(50);
            }
            ProcessHandle rank1 = p.toHandle().children().filter(c -> c.info().commandLine().orElse("").contains(LocalRanks.class.getName()))
                    .findFirst().orElseThrow();
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(rank1.pid())).start().waitFor()).isZero();
            long t0 = System.nanoTime();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds until rank 0 gave up").isLessThan(60);
            String err = Files.readString(log);
            assertThat(p.exitValue()).as(err).isEqualTo(1);
            List<String> errors = err.lines().filter(l -> l.contains("error")).toList();
            assertThat(errors).as(err).hasSize(1);
            assertThat(errors.get(0)).startsWith("error: " + dir.resolve("rank-1.log")).contains("rank 1 is running but did not answer within 8 s");
            assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(rank1.isAlive()).as("the frozen rank was killed").isFalse();
        } finally {
            p.destroyForcibly();
        }
    }
}
