package org.robustmri.cli;

import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.ScriptedModule;
import org.robustmri.model.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "export-model", description = {
        "Writes a TorchScript model with the weights of a checkpoint (e.g. a run's checkpoints/last.safetensors) as TorchScript",
        "that PyTorch loads with torch.jit.load."})
final class ExportModelCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "CKPT", description = "A checkpoint of a TorchScript model (its metadata names the module file).")
    Path checkpoint;

    @Option(names = "--arch", paramLabel = "NAME", description = "torchscript:file=MODULE.ts,input=image|kspace, for checkpoints without robustmri metadata.")
    String arch;

    @Option(names = "--out", required = true, paramLabel = "FILE.ts", description = "The TorchScript file to write.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ReconstructionModel model = Weights.loadModel(checkpoint, arch == null ? null : ModelRegistry.parse(arch));
        ScriptedModule.saveScript(model, out);
        spec.commandLine().getOut().println("wrote " + out + " (" + model.spec().name() + ", " + model.parameters().count() + " parameters)");
        return 0;
    }
}
