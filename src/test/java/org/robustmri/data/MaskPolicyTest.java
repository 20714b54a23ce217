package org.robustmri.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;
import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.Sampling;
import org.robustmri.mask.MaskFunction;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MaskPolicyTest {
    private static final MaskFunction TWO_D = MaskFunction.fromName("variable-density-2d", List.of(4.0), List.of(0.08));

    @Test
    void twoDimensionalMasksCoverTheWholeSliceAndAreSeededLikeColumnMasks() throws java.io.IOException {
        FastMriFile f = FastMriFile.open(TestFiles.REAL_KSPACE.resolve("pulseq_invivo_brain_16ch.h5"));
        Sampling test = MaskPolicy.forFile(f, TWO_D);
        assertThat(test.isColumns()).isFalse();
        assertThat(test.height()).isEqualTo(f.kspace().height());
        assertThat(test.width()).isEqualTo(f.kspace().width());
        // exactly the mask numpy draws from a RandomState seeded with the file name (tools/masks/gen_vd2d_vectors.py)
        JsonNode golden = null;
        for (JsonNode c : new ObjectMapper().readTree(Path.of("src/test/resources/golden/vd2d.json").toFile()).get("cases")) {
            if (f.fileName().equals(c.get("file_name").asText(null))) golden = c;
        }
        assertThat(golden).isNotNull();
        assertThat(golden.get("ny").asInt() * golden.get("nz").asInt()).isEqualTo(test.mask().length);
        String bits = golden.get("bits").asText();
        float[] mask = test.mask();
        for (int i = 0; i < mask.length; i++) assertThat(mask[i]).as("position %d", i).isEqualTo(bits.charAt(i) == '1' ? 1f : 0f);
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
