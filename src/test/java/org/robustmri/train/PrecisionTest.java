package org.robustmri.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.Parameters;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrecisionTest {
    private static final long[] ONE = {1, 1};

    @Test
    void anAutocastRegionRunsConvolutionsInBfloat16AndRestoresTheThreadState() {
        Torch.init();
        try (PointerScope scope = new PointerScope()) {
            Tensor x = torch.randn(new long[]{1, 2, 8, 8}), w = torch.randn(new long[]{3, 2, 3, 3});
            try (Precision.Region r = Precision.BF16.autocast(Torch.cpu())) {
                assertThat(torch.is_autocast_enabled(torch.DeviceType.CPU)).isTrue();
                assertThat(torch.conv2d(x, w, new TensorOptional(), ONE, ONE, ONE, 1).scalar_type().intern()).isEqualTo(torch.ScalarType.BFloat16);
                // ops on autocast's float32 list stay float32 inside the region
                assertThat(x.sum().scalar_type().intern()).isEqualTo(torch.ScalarType.Float);
            }
            assertThat(torch.is_autocast_enabled(torch.DeviceType.CPU)).isFalse();
            assertThat(torch.conv2d(x, w, new TensorOptional(), ONE, ONE, ONE, 1).scalar_type().intern()).isEqualTo(torch.ScalarType.Float);
            try (Precision.Region r = Precision.FP32.autocast(Torch.cpu())) {
                assertThat(torch.is_autocast_enabled(torch.DeviceType.CPU)).isFalse();
            }
        }
    }

    @Test
    void precisionsParseAndFp16IsRefusedOnTheCpu() {
        assertThat(Precision.parse(null)).isEqualTo(Precision.FP32);
        assertThat(Precision.parse(" BF16")).isEqualTo(Precision.BF16);
        assertThatThrownBy(() -> Precision.parse("fp8")).hasMessageContaining("fp32, bf16 or fp16");
        assertThatThrownBy(() -> Precision.FP16.checkDevice(Torch.cpu())).hasMessageContaining("needs a CUDA device");
        assertThatThrownBy(() -> TrainSpec.empty().override(java.util.Map.of("precision", "half")).validate())
                .hasMessageContaining("precision must be fp32, bf16 or fp16");
    }

    @Test
    void aBfloat16ForwardPassIsCloseToFloat32ButNotEqualAndComesBackAsFloat32(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        // the ViT's bf16 path has its own patch embedding (a matrix product) and a float32 attention core
        for (String spec : new String[]{"unet:chans=8,pools=2", "vit:embed_dim=8,heads=2,depth=2,patch=8"}) {
            ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse(spec), 3);
            StepTimer.Shape shape = StepTimer.Shape.image(32, 1);
            try (PointerScope scope = new PointerScope()) {
                var samples = StepTimer.samples(m, shape, 1, dir.resolve(spec.substring(0, 3) + ".h5"));
                Tensor full = Precision.FP32.forward(m, samples, Torch.cpu());
                Tensor half = Precision.BF16.forward(m, samples, Torch.cpu());
                assertThat(half.scalar_type().intern()).isEqualTo(torch.ScalarType.Float);
                double scale = full.abs().max().item_double();
                double diff = half.sub(full).abs().max().item_double() / scale;
                assertThat(diff).as(spec + ": bf16 vs fp32 relative difference").isGreaterThan(1e-5).isLessThan(5e-2);
            }
            for (Tensor p : m.parameters().asMap().values()) assertThat(p.scalar_type().intern()).isEqualTo(torch.ScalarType.Float);
        }
    }

    @Test
    void aBfloat16TrainingStepKeepsFloat32WeightsAndMovesThemAsFloat32Does() {
        StepTimer.Shape shape = StepTimer.Shape.image(32, 1);
        ReconstructionModel a = ModelRegistry.create(ModelRegistry.parse("unet:chans=8,pools=2"), 5);
        ReconstructionModel b = ModelRegistry.create(ModelRegistry.parse("unet:chans=8,pools=2"), 5);
        StepTimer.millis(a, shape, 1, 0, 2, Precision.FP32);
        StepTimer.millis(b, shape, 1, 0, 2, Precision.BF16);
        double maxRelative = 0;
        boolean anyDifferent = false;
        for (String name : a.parameters().asMap().keySet()) {
            Tensor pa = a.parameters().get(name), pb = b.parameters().get(name);
            assertThat(pb.scalar_type().intern()).as(name).isEqualTo(torch.ScalarType.Float);
            double d = pa.sub(pb).abs().max().item_double();
            anyDifferent |= d > 0;
            // two Adam steps at lr 1e-3 move each weight by at most about 2e-3; bf16 may change the direction of small ones only
            maxRelative = Math.max(maxRelative, d);
        }
        assertThat(anyDifferent).isTrue();
        assertThat(maxRelative).isLessThanOrEqualTo(4.1e-3);
    }

    @Test
    void theLossScalerUnscalesSkipsOverflowedStepsAndGrowsAfter2000GoodOnes() {
        Torch.init();
        Parameters p = new Parameters();
        Tensor w = p.add("w", torch.zeros(new long[]{3}).requires_grad_(true));
        LossScaler s = new LossScaler();
        assertThat(s.scale()).isEqualTo(65536.0);
        setGrad(p, w, new float[]{65536f, -131072f, 0f});
        assertThat(s.unscaleAndUpdate(p)).isTrue();
        assertThat(Tensors.toFloats(w.grad())).containsExactly(1f, -2f, 0f);
        setGrad(p, w, new float[]{1f, Float.POSITIVE_INFINITY, 0f});
        assertThat(s.unscaleAndUpdate(p)).isFalse();
        assertThat(s.scale()).isEqualTo(32768.0);
        setGrad(p, w, new float[]{Float.NaN, 0f, 0f});
        assertThat(s.unscaleAndUpdate(p)).isFalse();
        assertThat(s.scale()).isEqualTo(16384.0);
        for (int i = 0; i < 1999; i++) {
            setGrad(p, w, new float[]{1f, 1f, 1f});
            assertThat(s.unscaleAndUpdate(p)).isTrue();
        }
        assertThat(s.scale()).isEqualTo(16384.0);
        setGrad(p, w, new float[]{1f, 1f, 1f});
        s.unscaleAndUpdate(p);
        assertThat(s.scale()).isEqualTo(32768.0);
        LossScaler resumed = new LossScaler();
        resumed.load(s.state());
        assertThat(resumed.scale()).isEqualTo(32768.0);
    }

    /** Makes w's gradient {@code values} by a backward pass through sum(w * values). */
    private static void setGrad(Parameters p, Tensor w, float[] values) {
        Adam.zeroGrad(p);
        w.mul(Tensors.fromFloats(values, values.length)).sum().backward();
    }

}
