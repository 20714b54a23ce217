package org.robustmri.model;

import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;
import org.robustmri.train.StepTimer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One training step of each family on the CPU and on CUDA from the same weights and data, compared. Runs where
 * libtorch reports a CUDA device (the GPU build, mvn -Pgpu, on a machine with CUDA 13); says it is skipped elsewhere.
 */
@Tag("cuda")
class CudaTest {
    @Test
    void aStepOnCudaMatchesTheCpu() {
        if (!Torch.cudaAvailable()) System.out.println("CudaTest skipped: libtorch reports no CUDA device");
        Assumptions.assumeTrue(Torch.cudaAvailable(), "libtorch reports no CUDA device: skipped");
        for (String spec : List.of("unet:chans=4,pools=2", "varnet:cascades=2,chans=4,pools=2,sens_chans=2,sens_pools=2", "vit:embed_dim=4,heads=2,depth=1")) {
            ReconstructionModel cpu = ModelRegistry.create(ModelRegistry.parse(spec), 1);
            ReconstructionModel gpu = ModelRegistry.create(ModelRegistry.parse(spec), 1);
            cpu.parameters().moveTo(Torch.cpu());
            gpu.parameters().moveTo(Torch.bestDevice());
            StepTimer.Shape shape = new StepTimer.Shape(4, 64, 48, 48, 48);
            StepTimer.millis(cpu, shape, 1, 0, 1);
            StepTimer.millis(gpu, shape, 1, 0, 1);
            for (String name : cpu.parameters().asMap().keySet()) {
                try (PointerScope scope = new PointerScope()) {
                    float[] a = Tensors.toFloats(cpu.parameters().get(name)), b = Tensors.toFloats(gpu.parameters().get(name));
                    for (int i = 0; i < a.length; i++) assertThat(b[i]).as(spec + " " + name).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    /** bf16 and fp16 (loss-scaled) steps on CUDA keep float32 weights and move them as a float32 step on the CPU does. */
    @Test
    void mixedPrecisionStepsOnCudaStayCloseToFloat32() {
        if (!Torch.cudaAvailable()) System.out.println("CudaTest skipped: libtorch reports no CUDA device");
        Assumptions.assumeTrue(Torch.cudaAvailable(), "libtorch reports no CUDA device: skipped");
        for (org.robustmri.train.Precision p : List.of(org.robustmri.train.Precision.BF16, org.robustmri.train.Precision.FP16)) {
            ReconstructionModel cpu = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=2"), 1);
            ReconstructionModel gpu = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=2"), 1);
            gpu.parameters().moveTo(Torch.bestDevice());
            StepTimer.Shape shape = StepTimer.Shape.image(48, 1);
            StepTimer.millis(cpu, shape, 1, 0, 2);
            StepTimer.millis(gpu, shape, 1, 0, 2, p);
            for (String name : cpu.parameters().asMap().keySet()) {
                try (PointerScope scope = new PointerScope()) {
                    org.bytedeco.pytorch.Tensor g = gpu.parameters().get(name);
                    assertThat(g.scalar_type().intern()).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float);
                    float[] a = Tensors.toFloats(cpu.parameters().get(name)), b = Tensors.toFloats(g);
                    for (int i = 0; i < a.length; i++) assertThat(b[i]).as(p + " " + name).isCloseTo(a[i], org.assertj.core.data.Offset.offset(4.1e-3f));
                }
            }
        }
    }
}
