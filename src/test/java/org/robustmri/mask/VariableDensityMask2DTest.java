package org.robustmri.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class VariableDensityMask2DTest {

    private final VariableDensityMask2D mask = new VariableDensityMask2D(List.of(8.0), List.of(0.08));

    /** The masks an independent numpy implementation of the class comment draws (tools/masks/gen_vd2d_vectors.py). */
    static com.fasterxml.jackson.databind.JsonNode goldenCases() throws java.io.IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Path.of("src/test/resources/golden/vd2d.json").toFile()).get("cases");
    }

    static String bits(Mask2D m) {
        StringBuilder b = new StringBuilder();
        for (boolean s : m.samples()) b.append(s ? '1' : '0');
        return b.toString();
    }

    @Test
    void masksAreTheNumpyReferences() throws java.io.IOException {
        int n = 0;
        for (com.fasterxml.jackson.databind.JsonNode c : goldenCases()) {
            List<Double> accs = new java.util.ArrayList<>(), cfs = new java.util.ArrayList<>();
            c.get("accelerations").forEach(a -> accs.add(a.asDouble()));
            c.get("center_fractions").forEach(a -> cfs.add(a.asDouble()));
            VariableDensityMask2D f = new VariableDensityMask2D(accs, cfs, c.get("power").asDouble());
            int ny = c.get("ny").asInt(), nz = c.get("nz").asInt();
            NumpyRandomState rng = c.get("file_name").isNull() ? new NumpyRandomState(c.get("seed").asLong())
                    : NumpyRandomState.seedFromName(c.get("file_name").asText());
            Mask2D m = f.sample(ny, nz, rng);
            String name = c.get("name").asText();
            assertThat(m.acceleration()).as(name).isEqualTo(c.get("acceleration").asDouble());
            assertThat(m.numLowY()).as(name).isEqualTo(c.get("num_low_y").asInt());
            assertThat(m.numLowZ()).as(name).isEqualTo(c.get("num_low_z").asInt());
            assertThat(bits(m)).as(name).isEqualTo(c.get("bits").asText());
            double[] p = f.samplingProbabilities(ny, nz, m.acceleration(), m.centerFraction());
            double sum = 0, checksum = 0;
            for (int i = 0; i < p.length; i++) {
                sum += p[i];
                checksum += p[i] * (i + 1) / p.length;
            }
            assertThat(sum).as(name).isCloseTo(c.get("expected_sampled").asDouble(), offset(1e-9 * sum));
            assertThat(checksum).as(name).isCloseTo(c.get("p_checksum").asDouble(), offset(1e-11 * checksum));
            n++;
        }
        assertThat(n).isEqualTo(7);
    }

    @Test
    void centreIsFullySampled() {
        for (int[] shape : new int[][] {{256, 256}, {128, 97}, {33, 64}}) {
            Mask2D m = mask.sample(shape[0], shape[1], new NumpyRandomState(1));
            int padY = (m.ny() - m.numLowY() + 1) / 2;
            int padZ = (m.nz() - m.numLowZ() + 1) / 2;
            assertThat(m.numLowY()).isEqualTo((int) Math.rint(shape[0] * 0.08));
            for (int y = padY; y < padY + m.numLowY(); y++) {
                for (int z = padZ; z < padZ + m.numLowZ(); z++) {
                    assertThat(m.isSampled(y, z)).as("(%d,%d)", y, z).isTrue();
                }
            }
        }
    }

    @Test
    void expectedAndRealisedAccelerationMatchTheTarget() {
        for (double acc : new double[] {4.0, 8.0, 12.0}) {
            VariableDensityMask2D f = new VariableDensityMask2D(List.of(acc), List.of(0.08));
            double expected = 0;
            for (double p : f.samplingProbabilities(256, 200, acc, 0.08)) {
                assertThat(p).isBetween(0.0, 1.0);
                expected += p;
            }
            assertThat(256 * 200 / expected).isCloseTo(acc, offset(1e-6 * acc));
            for (long seed = 0; seed < 3; seed++) {
                Mask2D m = f.sample(256, 200, new NumpyRandomState(seed));
                assertThat(m.realisedAcceleration()).isCloseTo(acc, offset(0.05 * acc));
            }
        }
    }

    @Test
    void densityIsSymmetricAboutTheOriginAndDecreasesOutwards() {
        int ny = 64;
        int nz = 49;
        double[] p = mask.samplingProbabilities(ny, nz, 6.0, 0.0); // no centre: pure density
        int cy = ny / 2;
        int cz = nz / 2;
        for (int y = 0; y < ny; y++) {
            for (int z = 0; z < nz; z++) {
                int my = 2 * cy - y;
                int mz = 2 * cz - z;
                if (my < ny) {
                    assertThat(p[my * nz + z]).isEqualTo(p[y * nz + z]);
                }
                if (mz < nz) {
                    assertThat(p[y * nz + mz]).isEqualTo(p[y * nz + z]);
                }
            }
        }
        assertThat(p[cy * nz + cz]).isGreaterThan(p[(cy + 10) * nz + cz]);
        assertThat(p[(cy + 10) * nz + cz]).isGreaterThan(p[(cy + 20) * nz + cz]);
    }

    @Test
    void deterministicForASeedAndDifferentAcrossSeeds() {
        assertThat(mask.maskForFile(96, 80, "file1000001.h5")).isEqualTo(mask.maskForFile(96, 80, "file1000001.h5"));
        assertThat(mask.sample(96, 80, new NumpyRandomState(1))).isNotEqualTo(mask.sample(96, 80, new NumpyRandomState(2)));
    }

    @Test
    void centreLargerThanBudgetSamplesOnlyTheCentre() {
        Mask2D m = new VariableDensityMask2D(List.of(8.0), List.of(0.5)).sample(40, 40, new NumpyRandomState(0));
        assertThat(m.sampledCount()).isEqualTo(20 * 20);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new VariableDensityMask2D(List.of(4.0), List.of(0.08), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power");
        assertThatThrownBy(() -> new VariableDensityMask2D(List.of(4.0, 8.0), List.of(0.08)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must match");
        assertThatThrownBy(() -> mask.sample(0, 10, new NumpyRandomState(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape");
    }

    @Test
    void isAMaskFunctionByNameThatOnlyDrawsIn2D() {
        MaskFunction f = MaskFunction.fromName("variable-density-2d", List.of(4.0), List.of(0.08));
        assertThat(f.isTwoDimensional()).isTrue();
        assertThat(f.spec().toString()).isEqualTo("mask[type=variable-density-2d,acc=4,cf=0.08]");
        assertThat(MaskSpec.parse(f.spec().toString()).create().isTwoDimensional()).isTrue();
        assertThat(f.mask2DForFile(64, 48, "file1.h5"))
                .isEqualTo(new VariableDensityMask2D(List.of(4.0), List.of(0.08)).sample(64, 48, NumpyRandomState.seedFromName("file1.h5")));
        assertThat(f.mask2DForTraining(64, 48, 7)).isEqualTo(f.mask2DForTraining(64, 48, 7)).isNotEqualTo(f.mask2DForTraining(64, 48, 8));
        assertThatThrownBy(() -> f.sample(48, new NumpyRandomState(0))).hasMessageContaining("is a 2-D mask");
        MaskFunction columns = MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));
        assertThat(columns.isTwoDimensional()).isFalse();
        assertThatThrownBy(() -> columns.sample2D(4, 48, new NumpyRandomState(0))).hasMessageContaining("is a column mask");
    }
}
