package org.robustmri.data;

import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;
import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.Sampling;
import org.robustmri.mask.MaskFunction;
import org.robustmri.mask.NumpyRandomState;
import org.robustmri.mask.VariableDensityMask2D;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MaskPolicyTest {
    private static final MaskFunction TWO_D = MaskFunction.fromName("variable-density-2d", List.of(4.0), List.of(0.08));

    @Test
    void twoDimensionalMasksCoverTheWholeSliceAndAreSeededLikeColumnMasks() {
        FastMriFile f = FastMriFile.open(TestFiles.REAL_KSPACE.resolve("pulseq_invivo_brain_16ch.h5"));
        Sampling test = MaskPolicy.forFile(f, TWO_D);
        assertThat(test.isColumns()).isFalse();
        assertThat(test.height()).isEqualTo(f.kspace().height());
        assertThat(test.width()).isEqualTo(f.kspace().width());
        // exactly the mask drawn from numpy's RandomState seeded with the file name
        float[] expected = new VariableDensityMask2D(List.of(4.0), List.of(0.08))
                .sample(f.kspace().height(), f.kspace().width(), NumpyRandomState.seedFromName(f.fileName())).toFloats();
        assertThat(test.mask()).containsExactly(expected);
        double sampled = 0;
        for (float v : test.weights()) sampled += v;
        assertThat(test.weights().length / sampled).isBetween(3.6, 4.4);

        MaskPolicy training = MaskPolicy.training(TWO_D, 11);
        VolumeInfo v = VolumeInfo.inspect(0, null, f);
        Sampling a = training.sampling(f, v, 0, 0), again = training.sampling(f, v, 0, 0), other = training.sampling(f, v, 0, 1);
        assertThat(a.mask()).containsExactly(again.mask());
        assertThat(a.mask()).isNotEqualTo(other.mask());
        assertThat(a.height()).isEqualTo(f.kspace().height());
    }
}
