package org.robustmri.kspace;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Tensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ESPIRiT maps against BART's {@code ecalib -m1} on the two real brain slices (tools/golden/gen_espirit_vectors.py). */
class EspiritTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/espirit_bart.safetensors");
    private static final Map<String, Tensor> BART = Safetensors.read(GOLDEN).tensors();

    /** Slice 0 of a sample file (C, H, W), its columns multiplied by {@code mask}. */
    public static Tensor maskedSlice(Path file, float[] mask) {
        FastMriFile f = FastMriFile.open(file);
        var geo = f.kspace();
        ByteBuffer raw = f.readKspaceSlice(0).order(ByteOrder.LITTLE_ENDIAN);
        int coils = geo.coils(), h = geo.height(), w = geo.width();
        float[] k = new float[coils * h * w * 2];
        raw.asFloatBuffer().get(k);
        for (int i = 0; i < coils * h * w; i++) {
            k[2 * i] *= mask[i % w];
            k[2 * i + 1] *= mask[i % w];
        }
        return Tensors.complexFromInterleaved(k, coils, h, w);
    }

    static Tensor ours(String file, double crop) {
        float[] mask = Tensors.toFloats(BART.get("mask"));
        Tensor y = maskedSlice(Path.of("samples/real-kspace", file), mask);
        int[] cols = {(128 - 10 + 1) / 2, 10};
        return Espirit.maps(y, new int[]{0, 128}, cols, Espirit.Settings.BART.withCrop(crop));
    }

    /**
     * Per pixel {@code |<ours, bart>|^2}, which is 1 where both maps span the same line (the maps are equal up to a
     * phase) and 0 where one of them is cropped: its mean over the pixels where BART kept a map, and the fraction of
     * pixels kept by one tool but not the other.
     */
    static double[] agreement(Tensor ours, Tensor bart) {
        Tensor overlap = ours.conj().mul(bart).sum(new long[]{0}, false, new ScalarTypeOptional()).abs().square();
        Tensor keptBart = bart.abs().square().sum(new long[]{0}, false, new ScalarTypeOptional()).gt(org.robustmri.tensor.Torch.scalar(0.5));
        Tensor keptOurs = ours.abs().square().sum(new long[]{0}, false, new ScalarTypeOptional()).gt(org.robustmri.tensor.Torch.scalar(0.5));
        double mean = overlap.masked_select(keptBart.logical_and(keptOurs)).mean().item_double();
        double disagree = keptBart.logical_xor(keptOurs).to(torch.ScalarType.Float).mean().item_double();
        return new double[]{mean, disagree};
    }

    /** {@code ||ours e^{i phi} - bart|| / ||bart||} with the one phase phi that fits best (LAPACK fixes the phase reference's own phase). */
    static double errorAfterGlobalPhase(Tensor ours, Tensor bart) {
        Tensor inner = ours.conj().mul(bart).sum();
        Tensor phase = inner.div(inner.abs());
        return torch.view_as_real(ours.mul(phase).sub(bart)).norm().item_double() / torch.view_as_real(bart).norm().item_double();
    }

    @Test
    void croppedMapsEqualBartsUpToOneGlobalPhase() {
        double e = errorAfterGlobalPhase(ours("pulseq_invivo_brain_16ch.h5", 0.8), torch.view_as_complex(BART.get("brain16_maps")));
        assertThat(e).isLessThan(1e-5);                 // measured 1.1e-6
    }

    @Test
    void uncroppedMapsSpanBartsOnTheSixteenCoilBrain() {
        double[] a = agreement(ours("pulseq_invivo_brain_16ch.h5", 0), torch.view_as_complex(BART.get("brain16_maps_c0")));
        assertThat(a[0]).isGreaterThan(0.9999);         // measured 0.99993 (background pixels: noise-only eigenvectors)
        assertThat(a[1]).isEqualTo(0.0);
    }

    @Test
    void croppedMapsSpanBartsAndCropTheSamePixels() {
        double[] a = agreement(ours("pulseq_invivo_brain_16ch.h5", 0.8), torch.view_as_complex(BART.get("brain16_maps")));
        assertThat(a[0]).isGreaterThan(0.99999);
        assertThat(a[1]).isEqualTo(0.0);
    }

    @Test
    void bodyCoilMaps() {
        double[] a = agreement(ours("pulseq_invivo_brain_bodycoil_2ch.h5", 0), torch.view_as_complex(BART.get("body2_maps_c0")));
        double[] b = agreement(ours("pulseq_invivo_brain_bodycoil_2ch.h5", 0.8), torch.view_as_complex(BART.get("body2_maps")));
        assertThat(a[0]).isGreaterThan(0.99999);
        assertThat(b[0]).isGreaterThan(0.99999);
        assertThat(b[1]).isEqualTo(0.0);
    }
}
