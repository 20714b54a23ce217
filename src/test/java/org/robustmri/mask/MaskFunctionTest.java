package org.robustmri.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaskFunctionTest {

    private static final List<String> TYPES = List.of("random", "equispaced", "equispaced-fraction");

    @Test
    void centreBandIsAlwaysSampledAndValuesAreBinary() {
        for (String type : TYPES) {
            MaskFunction f = MaskFunction.fromName(type, List.of(4.0, 8.0), List.of(0.08, 0.04));
            NumpyRandomState rng = new NumpyRandomState(3);
            for (int width : new int[] {1, 2, 17, 128, 320, 369, 640}) {
                for (int rep = 0; rep < 5; rep++) {
                    Mask1D m = f.sample(width, rng);
                    int pad = (width - m.numLowFrequencies() + 1) / 2;
                    assertThat(m.numLowFrequencies()).isEqualTo((int) Math.rint(width * m.centerFraction()));
                    for (int c = pad; c < pad + m.numLowFrequencies(); c++) {
                        assertThat(m.isSampled(c)).as("%s width %d column %d", type, width, c).isTrue();
                    }
                    for (float v : m.toFloats()) {
                        assertThat(v).isIn(0f, 1f);
                    }
                    assertThat(m.width()).isEqualTo(width);
                }
            }
        }
    }

    @Test
    void numLowUsesHalfToEvenRounding() {
        // 50 * 0.05 = 2.5 -> 2 and 70 * 0.05 = 3.5 -> 4 under Python's round.
        MaskFunction f = new RandomMask(List.of(4.0), List.of(0.05));
        assertThat(f.maskForFile(50, "a.h5").numLowFrequencies()).isEqualTo(2);
        assertThat(f.maskForFile(70, "a.h5").numLowFrequencies()).isEqualTo(4);
    }

    @Test
    void equispacedColumnsAreEvenlySpacedOutsideTheCentre() {
        Mask1D m = new EquispacedMask(List.of(4.0), List.of(0.08)).maskForFile(320, "file1000001.h5");
        int pad = (320 - m.numLowFrequencies() + 1) / 2;
        int first = -1;
        for (int c = 0; c < pad; c++) {
            if (m.isSampled(c)) {
                first = first < 0 ? c : first;
                assertThat((c - first) % 4).isZero();
            } else if (first >= 0) {
                assertThat((c - first) % 4).isNotZero();
            }
        }
        assertThat(first).isBetween(0, 3);
    }

    @Test
    void equispacedFractionHitsTheTargetAcceleration() {
        MaskFunction f = new EquispacedFractionMask(List.of(4.0), List.of(0.08));
        for (String name : List.of("file1000001.h5", "x.h5", "file1001234.h5")) {
            assertThat(f.maskForFile(368, name).realisedAcceleration()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.15));
        }
    }

    @Test
    void sameFileGivesSameMaskAndTrainingIsReproducible() {
        MaskFunction f = new RandomMask(List.of(4.0, 8.0), List.of(0.08, 0.04));
        assertThat(f.maskForFile(320, "file1000001.h5")).isEqualTo(f.maskForFile(320, "file1000001.h5"));
        SplittableRandom a = new SplittableRandom(5);
        SplittableRandom b = new SplittableRandom(5);
        Mask1D t1 = f.maskForTraining(320, a);
        Mask1D t2 = f.maskForTraining(320, a);
        assertThat(t1).isEqualTo(f.maskForTraining(320, b));
        assertThat(t2).isEqualTo(f.maskForTraining(320, b));
        assertThat(t1).isNotEqualTo(t2);
        assertThat(f.maskForTraining(320, 11L)).isEqualTo(f.maskForTraining(320, 11L));
    }

    @Test
    void badListsGiveClearErrors() {
        assertThatThrownBy(() -> new RandomMask(List.of(4.0, 8.0), List.of(0.08)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("number of accelerations (2) must match number of center fractions (1)");
        assertThatThrownBy(() -> new RandomMask(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one acceleration");
        assertThatThrownBy(() -> new RandomMask(List.of(0.08), List.of(4.0))) // swapped arguments
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acceleration must be");
        assertThatThrownBy(() -> new EquispacedFractionMask(List.of(4.0), List.of(1.5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("center fraction must be in [0, 1]");
        assertThatThrownBy(() -> new EquispacedMask(List.of(4.5), List.of(0.08)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("integer accelerations");
        assertThatThrownBy(() -> new RandomMask(List.of(4.0), List.of(0.08)).maskForFile(0, "x.h5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width");
        assertThatThrownBy(() -> MaskFunction.fromName("poisson", List.of(4.0), List.of(0.08)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown mask type 'poisson'")
                .hasMessageContaining("random, equispaced, equispaced-fraction");
        // centre wider than the budget: numpy's randint(0, round(adj)) would fail too
        assertThatThrownBy(() -> new EquispacedFractionMask(List.of(8.0), List.of(0.5)).maskForFile(320, "x.h5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("centre band is too wide");
    }

    @Test
    void specRoundTripsAndCreatesTheRightFunction() {
        MaskSpec spec = new MaskSpec("equispaced", List.of(4.0), List.of(0.08));
        assertThat(spec.toString()).isEqualTo("mask[type=equispaced,acc=4,cf=0.08]");
        MaskSpec multi = MaskSpec.parse("mask[type=equispaced-fraction,acc=4|8,cf=0.08|0.04]");
        assertThat(multi.accelerations()).containsExactly(4.0, 8.0);
        assertThat(multi.centerFractions()).containsExactly(0.08, 0.04);
        assertThat(multi.toString()).isEqualTo("mask[type=equispaced-fraction,acc=4|8,cf=0.08|0.04]");
        assertThat(MaskSpec.parse(multi.toString())).isEqualTo(multi);
        assertThat(multi.create()).isInstanceOf(EquispacedFractionMask.class);
        assertThat(multi.create().spec()).isEqualTo(multi);
        assertThat(new MaskSpec("random", List.of(4.5), List.of(0.1)).toString())
                .isEqualTo("mask[type=random,acc=4.5,cf=0.1]");
        assertThatThrownBy(() -> new MaskSpec("radial", List.of(4.0), List.of(0.08)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mask type 'radial'");
        assertThatThrownBy(() -> MaskSpec.parse("random 4 0.08"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot parse mask spec");
        assertThatThrownBy(() -> MaskSpec.parse("mask[type=random,acc=4|x,cf=0.08|0.04]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad number 'x'");
    }

    @Test
    void arangeFollowsNumpysFill() {
        // numpy fills element i >= 2 as start + i * ((start + step) - start)
        // (width 101, 4x, cf 0.08, offset 3); here (3 + step) - 3 != step
        double step = 5.391304347826087;
        double delta = (3 + step) - 3;
        assertThat(delta).isNotEqualTo(step);
        double[] v = EquispacedFractionMask.numpyArange(3, 100, step);
        assertThat(v).hasSize(18);
        assertThat(v[0]).isEqualTo(3.0);
        assertThat(v[1]).isEqualTo(3 + step);
        assertThat(v[2]).isEqualTo(3 + 2 * delta).isNotEqualTo(3 + 2 * step);
        assertThat(v[17]).isEqualTo(3 + 17 * delta);
        assertThat(EquispacedFractionMask.numpyArange(5, 5, 1.5)).isEmpty();
    }

    @Test
    void maskRecordsAreDefensive() {
        boolean[] cols = {true, false};
        Mask1D m = new Mask1D(cols, 1, 4, 0.5);
        cols[1] = true;
        m.columns()[0] = false;
        assertThat(m.toBitString()).isEqualTo("10");
        assertThat(m.sampledCount()).isEqualTo(1);
    }
}
