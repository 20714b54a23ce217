package org.robustmri.interop;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.Weights;
import org.robustmri.tensor.Torch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interchange from Java to Python: PyTorch loads a U-Net checkpoint robustmri wrote (strict state-dict load into a
 * U-Net written independently in tools/interop/check_java_outputs.py), h5py reads the files of {@code zerofill} and
 * {@code reconstruct} on a real scanner file, and the PyTorch U-Net applied to the zero-filled image gives the Java
 * model's reconstruction. Skipped, saying so, without Debian's python3-torch and python3-h5py.
 */
class PythonReadsJavaOutputsTest {
    static final Path PY = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @Test
    void pytorchAndH5pyReadTheCheckpointAndTheReconstructions() throws Exception {
        boolean ok = Files.isExecutable(PY) && new ProcessBuilder(PY.toString(), "-c", "import torch, h5py").start().waitFor() == 0;
        if (!ok) System.out.println("python3 with torch and h5py not installed: Python read-back of checkpoints skipped");
        Assumptions.assumeTrue(ok, "python3 with torch and h5py not installed");
        Path checkpoint = tmp.resolve("unet.safetensors");
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=3"), 7);
            // move the weights off their initialisation, so that a loader that ignored some would be caught
            m.parameters().asMap().values().forEach(t -> t.add_(t.sign().mul(Torch.scalar(0.05))));
            Weights.save(m, checkpoint, Map.of("note", "python interchange test"));
        }
        Path input = TestFiles.REAL_KSPACE.resolve("pulseq_invivo_brain_16ch.h5");
        Path zf = tmp.resolve("zf.h5"), rec = tmp.resolve("rec");
        assertThat(CliTestSupport.run("zerofill", input.toString(), "--out", zf.toString()).code()).isZero();
        CliTestSupport.Result r = CliTestSupport.run("reconstruct", "--model", checkpoint.toString(), input.toString(), "--out", rec.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Process p = new ProcessBuilder(PY.toString(), Path.of("tools", "interop", "check_java_outputs.py").toString(), checkpoint.toString(),
                zf.toString(), rec.resolve(input.getFileName()).toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("\"tensors\": 19").contains("\"problems\": []");
    }
}
