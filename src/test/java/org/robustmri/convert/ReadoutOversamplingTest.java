package org.robustmri.convert;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Removing readout oversampling against a direct DFT written here in float64 (numpy's conventions: centred indices, 1/N
 * on the inverse only): inverse DFT along the readout, keep rows [(H - h) / 2, + h), forward DFT of length h.
 */
class ReadoutOversamplingTest {
    @Test
    void equalsACentredDftCropAndBack() {
        int coils = 2, height = 12, width = 5, h = 6;
        SplittableRandom rng = new SplittableRandom(4);
        float[] pairs = new float[2 * coils * height * width];
        for (int i = 0; i < pairs.length; i++) pairs[i] = (float) (rng.nextDouble() * 2 - 1);
        KspaceVolume v = new KspaceVolume(1, coils, height, width, pairs, h, width, width / 2, width - 1, VolumeFields.none());
        KspaceVolume cut = v.withoutReadoutOversampling();
        assertThat(cut.height()).isEqualTo(h);
        assertThat(cut.header().encodedX()).isEqualTo(h);
        int top = (height - h) / 2;
        for (int c = 0; c < coils; c++) {
            for (int col = 0; col < width; col++) {
                double[] re = new double[h], im = new double[h];
                for (int x = 0; x < h; x++) { // image row top + x of the oversampled readout
                    int xi = top + x;
                    for (int k = 0; k < height; k++) {
                        int at = 2 * ((c * height + k) * width + col);
                        double phase = 2 * Math.PI * (k - height / 2) * (xi - height / 2) / height;
                        re[x] += (pairs[at] * Math.cos(phase) - pairs[at + 1] * Math.sin(phase)) / height;
                        im[x] += (pairs[at] * Math.sin(phase) + pairs[at + 1] * Math.cos(phase)) / height;
                    }
                }
                for (int k = 0; k < h; k++) {
                    double er = 0, ei = 0;
                    for (int x = 0; x < h; x++) {
                        double phase = -2 * Math.PI * (k - h / 2) * (x - h / 2) / h;
                        er += re[x] * Math.cos(phase) - im[x] * Math.sin(phase);
                        ei += re[x] * Math.sin(phase) + im[x] * Math.cos(phase);
                    }
                    int at = 2 * ((c * h + k) * width + col);
                    assertThat((double) cut.pairs()[at]).as("coil %d row %d col %d re", c, k, col).isCloseTo(er, within(1e-5));
                    assertThat((double) cut.pairs()[at + 1]).as("coil %d row %d col %d im", c, k, col).isCloseTo(ei, within(1e-5));
                }
            }
        }
        assertThatThrownBy(cut::withoutReadoutOversampling).hasMessageContaining("no oversampling to remove");
    }
}
