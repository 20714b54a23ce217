package org.robustmri.cli;

import org.robustmri.bench.EvalBench;
import org.robustmri.bench.PipelineBench;
import org.robustmri.bench.PlanBench;
import org.robustmri.bench.SimilarityBench;
import org.robustmri.bench.TrainStepBench;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.tensor.Torch;
import org.robustmri.train.Precision;
import org.robustmri.train.StepTimer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "bench", description = "Benchmarks; see bench/README.md for the reference scripts to compare with.",
        subcommands = {BenchCommand.Pipeline.class, BenchCommand.TrainStep.class, BenchCommand.Eval.class, BenchCommand.Plan.class, BenchCommand.Similarity.class,
                BenchCommand.Convolutions.class})
final class BenchCommand {

    @Command(mixinStandardHelpOptions = true, name = "pipeline", description = "Per-slice input pipeline (read, mask, ifft2c, crop, RSS) in slices per second, and peak memory.")
    static final class Pipeline implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.h5") Path file;
        @Option(names = "--repeats", defaultValue = "3") int repeats;
        @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).") int threads;
        @Mixin MaskOptions mask;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            spec.commandLine().getOut().println(PipelineBench.run(file, mask.create(), repeats, threads).line());
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "train-step", description = {"Training step time (forward, 1-SSIM loss, backward, clipping, Adam) of any model,",
            "through the training path (the model's own transform on a file of random k-space, equispaced 4x/0.08 masks)."})
    static final class TrainStep implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "unet-small", description = {"Registered name, family, or NAME:key=value,...",
                "e.g. varnet-small, unet:chans=8,pools=3, varnet:cascades=2,chans=4 (default: ${DEFAULT-VALUE})."}) String model;
        @Option(names = "--chans", description = "Custom U-Net base channels (with --pools) instead of --model.") Integer chans;
        @Option(names = "--pools", defaultValue = "4") int pools;
        @Option(names = "--size", defaultValue = "320", description = "Reconstruction size (square) (default: ${DEFAULT-VALUE}).") int size;
        @Option(names = "--coils", defaultValue = "1", description = "Receiver coils of the k-space (default: ${DEFAULT-VALUE}).") int coils;
        @Option(names = "--kspace", paramLabel = "HxW", description = "k-space size (readout x phase encode); default the reconstruction size.") String kspace;
        @Option(names = "--batch", defaultValue = "1") int batch;
        @Option(names = "--steps", defaultValue = "20") int steps;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--precision", defaultValue = "fp32", description = {"fp32, or mixed precision: bf16 (CPU or CUDA autocast)",
                "or fp16 (CUDA, with loss scaling) (default: ${DEFAULT-VALUE})."}) String precision;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            Precision p = Precision.parse(precision);
            ModelSpec ms = chans != null ? ModelRegistry.resolve("unet", Map.of("chans", chans, "pools", pools)) : ModelRegistry.parse(model);
            int[] k = kspace == null ? new int[]{size, size} : org.robustmri.convert.ConvertOptions.size(kspace);
            StepTimer.Shape shape = new StepTimer.Shape(coils, k[0], k[1], Math.min(size, k[0]), Math.min(size, k[1]));
            spec.commandLine().getOut().println(TrainStepBench.run(ms, shape, batch, steps, threads, p).line());
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "eval", description = "Evaluation throughput (zero-fill input, one forward pass and all metrics per slice) of a model on a file, in slices per second.")
    static final class Eval implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.h5") Path file;
        @Option(names = "--model", defaultValue = "unet-small") String model;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--repeats", defaultValue = "2") int repeats;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            spec.commandLine().getOut().println(EvalBench.run(file, model, repeats, threads).line());
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "plan", description = {"Memory and time of epoch plans for a synthetic catalog (a Section 7-sized mixture by default):",
            "the catalog and mixture, one epoch's plan as training holds it (plans are computed per epoch), and all epochs' plans held at once for comparison."})
    static final class Plan implements Callable<Integer> {
        @Option(names = "--slices", defaultValue = "413000", description = "Slices in the synthetic catalog (default: ${DEFAULT-VALUE}).") int slices;
        @Option(names = "--slices-per-volume", defaultValue = "16") int perVolume;
        @Option(names = "--distributions", defaultValue = "8", description = "The catalog is split into this many mixture components.") int distributions;
        @Option(names = "--epochs", defaultValue = "40") int epochs;
        @Option(names = "--hold-all", negatable = true, defaultValue = "true", description = "Also hold all epochs' plans at once (default: ${DEFAULT-VALUE}).") boolean holdAll;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PlanBench.run(slices, perVolume, distributions, epochs, holdAll).lines().forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "similarity", description = {"Exact cosine nearest-neighbour search of random embeddings (train x test x dimension),",
            "as the train-test similarity analysis runs it; also the embedding rate of the embedding (--embedding) on 320x320 images."})
    static final class Similarity implements Callable<Integer> {
        @Option(names = "--train", defaultValue = "100000") int train;
        @Option(names = "--test", defaultValue = "10000") int test;
        @Option(names = "--dim", defaultValue = "480", description = "Embedding dimension (default: ${DEFAULT-VALUE}, the random-conv embedding's).") int dim;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--embedding", defaultValue = "random-conv", description = "Embedding whose rate is measured, e.g. clip:weights=FILE (default: ${DEFAULT-VALUE}).") String embedding;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            SimilarityBench.run(train, test, dim, threads, embedding).lines().forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "convolutions", description = {"Wrong results per convolution backend on random shapes (forward and both gradients",
            "against float64): libtorch's oneDNN as called, through robustmri's Convolutions channel-padded and channels-last, and ATen's."})
    static final class Convolutions implements Callable<Integer> {
        @Option(names = "--shapes", defaultValue = "150") int shapes;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--precision", defaultValue = "fp32", description = "fp32 or bf16 (default: ${DEFAULT-VALUE}).") String precision;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            Precision p = Precision.parse(precision);
            if (p == Precision.FP16) throw new IllegalArgumentException("--precision must be fp32 or bf16");
            var out = spec.commandLine().getOut();
            for (var r : org.robustmri.tensor.ConvolutionSweep.run(shapes, seed, p == Precision.BF16
                    ? org.bytedeco.pytorch.global.torch.ScalarType.BFloat16 : org.bytedeco.pytorch.global.torch.ScalarType.Float)) {
                out.println(precision + " " + r.line());
            }
            out.println("this process runs: " + Torch.convolutions());
            return 0;
        }
    }
}
