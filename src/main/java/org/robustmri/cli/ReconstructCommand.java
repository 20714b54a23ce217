package org.robustmri.cli;

import org.robustmri.eval.Reconstructor;
import org.robustmri.io.DataException;
import org.robustmri.io.Provenance;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "reconstruct", description = {"Reconstructs files with a trained model: test-time masks seeded from each file name (or the file's own 'mask'),",
        "one forward pass per slice; writes fastMRI 'reconstruction' files and a provenance.json."})
final class ReconstructCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "CKPT", description = "A checkpoint (.safetensors) written by train, or PyTorch weights with --arch.")
    Path checkpoint;

    @Option(names = "--arch", paramLabel = "NAME", description = {"Architecture of the weights: needed for weights without robustmri metadata (e.g. saved from PyTorch),", "checked against the metadata otherwise. A registered name (unet-small, varnet-small) or NAME:key=value,..."})
    String arch;

    @Parameters(paramLabel = "IN.h5|DIR")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Mixin
    MaskOptions mask;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(checkpoint)) throw new DataException(checkpoint, "no such checkpoint");
        ModelSpec fallback = arch == null ? null : ModelRegistry.parse(arch);
        ReconstructionModel model = Weights.loadModel(checkpoint, fallback);
        MaskFunction mf = mask.create();
        List<Path> inputs = Files.isDirectory(input) ? ZerofillCommand.listH5(input) : List.of(input);
        if (!Files.isDirectory(input) && !Files.isRegularFile(input)) throw new DataException(input, "no such file or directory");
        if (inputs.isEmpty()) throw new DataException(input, "no .h5 files");
        long slices = ZerofillCommand.totalSlices(inputs);
        List<String> written = new ArrayList<>();
        try (ProgressBar bar = new ProgressBar("reconstruct", slices, "slices")) {
            for (Path p : inputs) {
                Reconstructor.writeFile(model, p, out.resolve(p.getFileName()), mf, s -> bar.step());
                written.add(p.getFileName().toString());
            }
        }
        new Provenance("reconstruct")
                .put("model", model.spec().toString())
                .put("checkpoint", checkpoint.getFileName().toString())
                .put("mask", mf == null ? "none" : mf.spec().toString())
                .inputs(inputs)
                .put("outputs", written)
                .write(out.resolve("provenance.json"));
        spec.commandLine().getOut().println("wrote " + written.size() + " reconstruction file(s) to " + out);
        return 0;
    }
}
