package org.robustmri.cli;

import org.robustmri.eval.LambdaTuning;
import org.robustmri.io.DataException;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "reconstruct", description = {"Reconstructs files with a trained model, or with a model without weights (the compressed-sensing",
        "baselines cs-wavelet, cs-tv, cs-l2, cs:reg=..,lambda=..,iterations=..): test-time masks seeded from each file name (or the file's own 'mask'),",
        "one forward pass per slice; writes fastMRI 'reconstruction' files and a provenance.json. --lambdas runs a grid of weights",
        "(one folder each), and with --validation keeps the weight with the best SSIM on the validation files."})
final class ReconstructCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "CKPT|NAME", description = {"A checkpoint (.safetensors) written by train, PyTorch weights (.safetensors, or torch.save's",
            ".pt/.pth state dicts, Lightning .ckpt, {'model': ...} dicts; --arch unless the keys and size name a registered model),",
            "or a model without weights: cs-wavelet, cs-tv, cs-l2 or cs:key=value,... (see `models`)."})
    String modelArg;

    @Option(names = "--arch", paramLabel = "NAME", description = {"Architecture of the weights: needed for weights without robustmri metadata (e.g. saved from PyTorch),", "checked against the metadata otherwise. A registered name (unet-small, varnet-small) or NAME:key=value,..."})
    String arch;

    @Option(names = "--lambdas", split = ",", paramLabel = "L[,L...]", description = {"A grid of regularisation weights for a model without weights (cs-...): with --validation the",
            "best by mean volume SSIM reconstructs the input (choice and grid in provenance); without it one output folder per lambda."})
    List<Double> lambdas;

    @Option(names = "--validation", paramLabel = "DIR|FILE", description = "Fully sampled files (with targets) on which --lambdas is tuned, under the same test-time masks.")
    Path validation;

    @Mixin
    FolderRunOptions folder;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path checkpoint = Path.of(modelArg);
        ReconstructionModel model;
        if (Files.isRegularFile(checkpoint)) {
            ModelSpec fallback = arch == null ? null : ModelRegistry.parse(arch);
            model = Weights.loadModel(checkpoint, fallback);
        } else {
            ModelSpec weightless = weightless(modelArg);
            if (weightless == null) throw new DataException(checkpoint, "no such checkpoint");
            if (arch != null) throw new Main.UsageException("--arch is for checkpoints; " + modelArg + " has no weights");
            model = ModelRegistry.create(weightless, 0);
        }
        MaskFunction mf = folder.mask.create();
        ModelRegistry.checkMask(model.spec(), mf);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("checkpoint", Files.isRegularFile(checkpoint) ? checkpoint.getFileName().toString() : "none (no weights)");
        if (validation != null && lambdas == null) throw new Main.UsageException("--validation tunes --lambdas: give the grid too");
        if (lambdas == null) return folder.run(spec.commandLine(), "reconstruct", model, mf, true, fields);
        if (Files.isRegularFile(checkpoint)) throw new Main.UsageException("--lambdas is for models without weights (cs-...), not checkpoints");
        if (validation == null) return sweep(model.spec(), mf, fields);
        LambdaTuning.Result tuned;
        var vols = LambdaTuning.volumes(validation);
        try (ProgressBar bar = new ProgressBar("tune lambda", lambdas.size() * slices(vols), "slices")) {
            tuned = LambdaTuning.tune(model.spec(), lambdas, vols, mf, s -> bar.step());
        }
        for (LambdaTuning.Score s : tuned.grid()) {
            spec.commandLine().getOut().printf(Locale.ROOT, "lambda %-10s ssim %.4f  psnr %.2f%s%n", plain(s.lambda()), s.ssim(), s.psnr(),
                    s.lambda() == tuned.lambda() ? "  <- chosen" : "");
        }
        fields.putAll(tuned.provenance());
        fields.put("lambda_validation", validation.getFileName().toString());
        return folder.run(spec.commandLine(), "reconstruct", ModelRegistry.create(tuned.chosen(), 0), mf, true, fields);
    }

    /** One output folder per lambda ({@code OUT/lambda-L}), input by input so each slice's coil maps are made once. */
    private int sweep(ModelSpec base, MaskFunction mf, Map<String, Object> fields) {
        List<ReconstructionModel> models = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        for (double l : lambdas) {
            models.add(ModelRegistry.create(LambdaTuning.withLambda(base, l), 0));
            names.add("lambda-" + plain(l));
        }
        return folder.runGrid(spec.commandLine(), "reconstruct", models, names, mf, fields);
    }

    /** A lambda as written: 0.0003, not 3.0E-4. */
    static String plain(double l) {
        return java.math.BigDecimal.valueOf(l).stripTrailingZeros().toPlainString();
    }

    private static long slices(List<org.robustmri.eval.Evaluator.TestVolume> vols) {
        long n = 0;
        for (var v : vols) {
            try (var f = org.robustmri.io.FastMriFile.open(v.file())) {
                n += f.kspace().slices();
            }
        }
        return n;
    }

    /** The spec named by {@code text} when it is a model without weights, else null (then it must be a file). */
    private static ModelSpec weightless(String text) {
        if (text.endsWith(".safetensors") || text.contains("/")) return null;
        ModelSpec s;
        try {
            s = ModelRegistry.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return ModelRegistry.parameterCount(s) == 0 ? s : null;
    }
}
