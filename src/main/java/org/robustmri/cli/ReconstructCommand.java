package org.robustmri.cli;

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
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "reconstruct", description = {"Reconstructs files with a trained model, or with a model without weights (the compressed-sensing",
        "baselines cs-tv, cs-l2, cs:reg=..,lambda=..,iterations=..): test-time masks seeded from each file name (or the file's own 'mask'),",
        "one forward pass per slice; writes fastMRI 'reconstruction' files and a provenance.json."})
final class ReconstructCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "CKPT|NAME", description = {"A checkpoint (.safetensors) written by train, PyTorch weights with --arch,",
            "or a model without weights: cs-tv, cs-l2 or cs:key=value,... (see `models`)."})
    String modelArg;

    @Option(names = "--arch", paramLabel = "NAME", description = {"Architecture of the weights: needed for weights without robustmri metadata (e.g. saved from PyTorch),", "checked against the metadata otherwise. A registered name (unet-small, varnet-small) or NAME:key=value,..."})
    String arch;

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
        return folder.run(spec.commandLine(), "reconstruct", model, mf, true, Map.of("checkpoint",
                Files.isRegularFile(checkpoint) ? checkpoint.getFileName().toString() : "none (no weights)"));
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
