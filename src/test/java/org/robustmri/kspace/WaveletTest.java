package org.robustmri.kspace;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Torch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Daubechies-2 transform against PyWavelets' {@code db2}, symmetric mode (tools/golden/gen_wavelet_vectors.py). */
class WaveletTest {
    private static final Map<String, Tensor> PYWT = Safetensors.read(Path.of("src/test/resources/golden/wavelet_pywt.safetensors")).tensors();

    private static void matchesPywt(String name, int expectedBands) {
        Tensor x = PYWT.get(name + "_x");
        List<Tensor> ours = new Wavelet(x.size(0), x.size(1)).forward(x);
        assertThat(ours).hasSize(expectedBands);
        for (int i = 0; i < ours.size(); i++) {
            Tensor ref = PYWT.get(name + "_c" + i);
            assertThat(ours.get(i).sizes().vec().get()).as(name + " band " + i).containsExactly(ref.sizes().vec().get());
            assertThat(ours.get(i).sub(ref).abs().max().item_double()).as(name + " band " + i).isLessThan(1e-12);
        }
        Tensor back = new Wavelet(x.size(0), x.size(1)).inverse(ours);
        assertThat(back.sub(x).abs().max().item_double()).as(name + " perfect reconstruction").isLessThan(1e-12);
    }

    @Test
    void squareImageEqualsWavedec2() {
        matchesPywt("sq64", 1 + 3 * 3);
    }

    @Test
    void nonSquareImageWithTheSameLevelsPerAxis() {
        matchesPywt("r64x100", 1 + 3 * 3);
    }

    @Test
    void axesStopSplittingOnTheirOwn() {
        // 40 -> 21 -> 12 stops after two levels, 100 -> 51 -> 27 -> 15 after three: the third level splits W only
        matchesPywt("r40x100", 1 + 3 * 2 + 1);
        Wavelet w = new Wavelet(40, 100);
        assertThat(w.levels()).isEqualTo(3);
        assertThat(w.shiftLevels(0)).isEqualTo(3);
        assertThat(w.shiftLevels(1)).isEqualTo(4);
    }

    @Test
    void zeroThresholdShrinkIsTheIdentityAndAHugeOneIsZero() {
        Torch.init();
        Tensor x = torch.view_as_complex(PYWT.get("r64x100_x").to(torch.ScalarType.Float).view(64, 50, 2).contiguous()).view(1, 1, 64, 50);
        Wavelet w = new Wavelet(64, 50);
        Tensor same = w.shrink(x, torch.zeros_like(torch.real(x)).sum());
        assertThat(torch.view_as_real(same.sub(x)).abs().max().item_double()).isLessThan(1e-5);
        Tensor none = w.shrink(x, torch.zeros_like(torch.real(x)).sum().add(Torch.scalar(1e6)));
        assertThat(torch.view_as_real(none).abs().max().item_double()).isEqualTo(0.0);
    }
}
