package org.robustmri.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.model.ZeroFilled;
import org.robustmri.mask.MaskFunction;
import org.robustmri.metric.VolumeScore;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The whole chain on real scanner data against an independent numpy/scikit-image implementation. */
class ZeroFilledReconstructionTest {
    @TempDir
    Path tmp;

    @Test
    void zeroFilledRealKspaceScoresLikeTheNumpyReference() {
        for (JsonNode c : TestFiles.golden("zerofill.json").get("cases")) {
            String file = c.get("file").asText();
            double acc = c.get("acceleration").asDouble(), cf = c.get("center_fraction").asDouble();
            MaskFunction mf = MaskFunction.fromName("equispaced", List.of(acc), List.of(cf));
            Path out = tmp.resolve(acc + "-" + file);
            Reconstructor.Reconstruction v = Reconstructor.writeFile(new ZeroFilled(), TestFiles.REAL_KSPACE.resolve(file), out, mf, null);
            assertThat(v.sampling().numLowFrequencies()).isEqualTo(c.get("num_low_frequencies").asInt());
            double sum = 0;
            for (float x : v.data()) sum += x;
            assertThat(sum).as(file).isCloseTo(c.get("recon_sum").asDouble(), within(1e-5 * Math.abs(sum)));
            VolumeScore s = FileEvaluation.scoreFile(TestFiles.REAL_KSPACE.resolve(file), out);
            assertThat(s.ssim()).as(file + " ssim").isCloseTo(c.get("ssim").asDouble(), within(1e-5));
            assertThat(s.psnr()).as(file + " psnr").isCloseTo(c.get("psnr").asDouble(), within(1e-4));
            assertThat(s.nmse()).as(file + " nmse").isCloseTo(c.get("nmse").asDouble(), within(1e-5 * c.get("nmse").asDouble()));
        }
    }

    @Test
    void fullySampledZeroFillEqualsTheTarget() {
        Path in = TestFiles.REAL_KSPACE.resolve("pulseq_phantom_32ch.h5");
        Reconstructor.writeFile(new ZeroFilled(), in, tmp.resolve("full.h5"), null, null);
        VolumeScore s = FileEvaluation.scoreFile(in, tmp.resolve("full.h5"));
        assertThat(s.ssim()).isGreaterThan(0.99999);
        assertThat(s.nmse()).isLessThan(1e-10);
    }
}
