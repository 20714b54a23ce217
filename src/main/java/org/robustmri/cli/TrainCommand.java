package org.robustmri.cli;

import org.robustmri.data.Distribution;
import org.robustmri.train.Distributed;
import org.robustmri.train.LocalRanks;
import org.robustmri.train.TrainListener;
import org.robustmri.train.TrainRun;
import org.robustmri.train.TrainSpec;
import org.robustmri.train.Trainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "train", description = {"Trains a reconstruction model on a distribution or a mixture (the paper's recipe by default:",
        "1-SSIM, Adam, clipping 1.0, one-cycle lr per step, a checkpoint every epoch). Every config key has a flag;",
        "flags override the config. --resume RUN_DIR continues a stopped run exactly."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "RUN.yaml", description = "Training config (YAML, snake_case keys).")
    Path config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--out", paramLabel = "RUN_DIR", description = "New run directory.")
        Path out;

        @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in RUN_DIR (its config.yaml).")
        Path resume;
    }

    @Option(names = "--model", description = "Registered model (see 'models') or a family (unet, varnet) with --chans/--pools/--model-param.") String model;
    @Option(names = "--chans") Integer chans;
    @Option(names = "--pools") Integer pools;
    @Option(names = "--model-param", paramLabel = "KEY=VALUE", description = "A model parameter (repeatable), e.g. cascades=4, sens_chans=4, num_low=mask.") List<String> modelParams;
    @Option(names = "--lr") Double lr;
    @Option(names = "--epochs") Integer epochs;
    @Option(names = "--batch-size", description = "Slices per batch, all from one volume.") Integer batchSize;
    @Option(names = "--loss", description = "ssim | l1") String loss;
    @Option(names = "--grad-clip") Double gradClip;
    @Option(names = "--seed", description = "Model initialisation seed.") Long seed;
    @Option(names = "--data-seed", description = "Seed of data order, subsampling and training masks.") Long dataSeed;
    @Option(names = "--threads") Integer threads;
    @Option(names = "--mask", description = "random | equispaced | equispaced-fraction | variable-density-2d (not for VarNet)") String maskType;
    @Option(names = "--accelerations", split = ",") List<Double> accelerations;
    @Option(names = "--center-fractions", split = ",") List<Double> centerFractions;
    @Option(names = "--catalog", description = "Catalog CSV (repeatable).") List<String> catalogs;
    @Option(names = "--data-root", description = "Folder that holds the files the catalog names.") String dataRoot;
    @Option(names = "--train", paramLabel = "NAME=SPEC.yaml", description = "A training distribution (repeatable: a mixture).") List<String> train;
    @Option(names = "--weights", description = "uniform | proportional | NAME=W,NAME=W") String weights;
    @Option(names = "--data-fraction", description = "Data-size factor, e.g. 1/8.") String dataFraction;
    @Option(names = "--slices-per-epoch") Long slicesPerEpoch;
    @Option(names = "--validation", paramLabel = "SPEC.yaml", description = "Validation distribution (in-distribution, no shared volumes).") Path validation;
    @Option(names = "--validation-volumes") Integer validationVolumes;
    @Option(names = "--validation-catalog", description = "Catalog(s) of the validation volumes (default: the training catalogs).") List<String> validationCatalogs;

    @Option(names = "--sampling", description = "fixed (a mixture's subset drawn once) | redraw (a new subset every epoch)") String sampling;
    @Option(names = "--batching", description = "volume (every slice once per epoch, batches of one volume) | paper (the paper's batches)") String batching;
    @Option(names = "--validation-holdout", description = "Hold this fraction of each training distribution's volumes out for validation.") Double validationHoldout;
    @Option(names = "--augment", negatable = true, description = "The paper's random k-space flips and 90-degree rotations of training slices.") Boolean augment;
    @Option(names = "--precision", description = {"fp32 (default) | bf16 (mixed precision by autocast, CPU or CUDA) | fp16 (CUDA, with loss scaling);",
            "weights, optimizer state, loss and checkpoints stay float32."}) String precision;

    @Option(names = "--nproc", paramLabel = "N", description = {"Data-parallel training with N ranks on this host (c10d/Gloo; NCCL needs the GPU build):",
            "--batch-size is the global batch, each rank takes 1/N of every batch."}) Integer nproc;
    @Option(names = "--world-size", paramLabel = "W", description = "Join a multi-host job of W ranks (also WORLD_SIZE).") Integer worldSize;
    @Option(names = "--rank", paramLabel = "R", description = "This process's rank in [0, W) (also RANK); rank 0 writes the run directory.") Integer rank;
    @Option(names = "--master", paramLabel = "HOST:PORT", description = "Rank 0's rendezvous address (also MASTER_ADDR, MASTER_PORT).") String master;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "How long a rank waits for the others (default: ${DEFAULT-VALUE}).") int timeoutSeconds;
    @Option(names = "--backend", defaultValue = "auto", description = {"c10d backend: auto (NCCL when libtorch reports CUDA, each rank on GPU",
            "LOCAL_RANK or rank mod devices; else Gloo), gloo or nccl (default: ${DEFAULT-VALUE})."}) String backend;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path dir = target.out != null ? target.out : target.resume;
        TrainSpec base;
        if (target.resume != null) {
            base = TrainSpec.readRun(dir);
        } else {
            String envRank = System.getenv("RANK");
            // ranks other than 0 read the run directory rank 0 writes
            boolean follower = rank != null ? rank > 0 : envRank != null && !envRank.trim().equals("0");
            if (!follower && !new org.robustmri.train.RunDirectory(dir).committedEpochs().isEmpty()) {
                throw new Main.UsageException(dir + " already holds a run; use --resume " + dir);
            }
            base = config == null ? TrainSpec.empty() : TrainSpec.read(config);
        }
        TrainSpec spec = base.override(overrides()).withDefaults();
        Trainer.Progress p;
        try (TrainProgress progress = new TrainProgress()) {
            p = trainDistributed(spec, dir, progress);
        }
        this.spec.commandLine().getOut().printf(Locale.ROOT, "trained %d epochs (%d steps) in %.1f s; run directory %s%n",
                p.epochsDone(), p.step(), p.wallSeconds(), dir);
        return 0;
    }

    /** Trains in this process, as one rank of a group when asked; {@code --nproc N} starts ranks 1..N-1 as children. */
    private Trainer.Progress trainDistributed(TrainSpec spec, Path dir, TrainListener listener) {
        if (nproc != null && (worldSize != null || rank != null || master != null)) {
            throw new Main.UsageException("--nproc starts its own ranks; do not combine it with --world-size, --rank or --master");
        }
        if (nproc != null && nproc < 1) throw new Main.UsageException("--nproc must be at least 1, got " + nproc);
        if (nproc != null && nproc > 1) {
            return LocalRanks.train(spec, dir, listener, nproc, timeoutSeconds * 1000L, Distributed.Kind.parse(backend),
                    threads != null || spec.threads() != Runtime.getRuntime().availableProcessors(), this.spec.commandLine().getOut()::println);
        }
        var group = Distributed.fromFlags(worldSize, rank, master, System.getenv(), timeoutSeconds * 1000L);
        if (group.isEmpty()) return TrainRun.run(spec, dir, listener);
        try (Distributed d = Distributed.connect(group.get(), Distributed.Kind.parse(backend))) {
            Trainer.Progress p = TrainRun.run(spec, dir, d.isLeader() ? listener : null, d);
            this.spec.commandLine().getOut().println(d.reduceSummary());
            return p;
        }
    }

    private Map<String, Object> overrides() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("chans", chans);
        m.put("pools", pools);
        if (modelParams != null) m.put("model_params", NamedValues.parse(modelParams, "--model-param", "KEY=VALUE", v -> v));
        m.put("lr", lr);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("loss", loss);
        m.put("grad_clip", gradClip);
        m.put("seed", seed);
        m.put("data_seed", dataSeed);
        m.put("threads", threads);
        if (maskType != null || accelerations != null || centerFractions != null) {
            Map<String, Object> mask = new LinkedHashMap<>();
            mask.put("type", maskType == null ? "random" : maskType);
            mask.put("accelerations", accelerations == null ? List.of(4.0) : accelerations);
            mask.put("center_fractions", centerFractions == null ? List.of(0.08) : centerFractions);
            m.put("mask", mask);
        }
        m.put("catalogs", catalogs);
        m.put("data_root", dataRoot);
        if (train != null) m.put("train", NamedValues.parse(train, "--train", "NAME=SPEC.yaml", f -> Distribution.readFilters(Path.of(f))));
        if (weights != null) {
            if (weights.equals("uniform") || weights.equals("proportional")) {
                m.put("weights", weights);
            } else {
                Map<String, Double> w = new LinkedHashMap<>();
                for (String kv : weights.split(",")) {
                    String[] p = kv.split("=");
                    if (p.length != 2) throw new Main.UsageException("--weights takes NAME=W,NAME=W, got '" + weights + "'");
                    w.put(p[0], Double.parseDouble(p[1]));
                }
                m.put("weights", w);
            }
        }
        m.put("data_fraction", dataFraction);
        m.put("slices_per_epoch", slicesPerEpoch);
        if (validation != null) m.put("validation", Distribution.readFilters(validation));
        m.put("validation_volumes", validationVolumes);
        m.put("validation_catalogs", validationCatalogs);
        m.put("sampling", sampling);
        m.put("batching", batching);
        m.put("validation_holdout", validationHoldout);
        m.put("augment", augment);
        m.put("precision", precision);
        return m;
    }
}
