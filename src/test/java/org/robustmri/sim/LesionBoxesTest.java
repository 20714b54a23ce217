package org.robustmri.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.data.PathologyBoxes;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LesionBoxesTest {
    @TempDir
    Path tmp;

    @Test
    void everyLesionPixelIsInsideABoxAndEveryBoxHoldsLesion() {
        DistributionRecipe d = DistributionLibrary.builtIn().get("brain-t2-3T-16ch-lesions");
        assertThat(d.lesionProbability()).isEqualTo(1.0);
        int m = 128, slices = 12;
        SimulatedVolume v = Simulator.simulate(d, 3, 0, slices, m);
        List<SimulatedVolume.LesionBox> boxes = v.lesionBoxes();
        assertThat(boxes).isNotEmpty();
        byte lesion = Tissue.LESION.label();
        int lesionPixels = 0;
        for (int s = 0; s < slices; s++) {
            byte[] l = v.labelSlice(s);
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < m; c++) {
                    if (l[r * m + c] != lesion) continue;
                    lesionPixels++;
                    int fr = m - 1 - r; // the row in the up/down-flipped image the boxes refer to
                    int slice = s, col = c;
                    assertThat(boxes).as("lesion pixel (%d, %d) of slice %d", r, c, s).anyMatch(b -> b.slice() == slice
                            && col >= b.x() && col < b.x() + b.width() && fr >= b.y() && fr < b.y() + b.height());
                }
            }
        }
        assertThat(lesionPixels).isPositive();
        for (SimulatedVolume.LesionBox b : boxes) {
            byte[] l = v.labelSlice(b.slice());
            boolean any = false;
            for (int fr = b.y(); fr < b.y() + b.height(); fr++) {
                for (int c = b.x(); c < b.x() + b.width(); c++) any |= l[(m - 1 - fr) * m + c] == lesion;
            }
            assertThat(any).as("box %s holds lesion pixels", b).isTrue();
            assertThat(b.x() + b.width()).isLessThanOrEqualTo(m);
            assertThat(b.y() + b.height()).isLessThanOrEqualTo(m);
        }
        // a healthy subject has none; the default library entry is unchanged by the new keys
        assertThat(Simulator.simulate(DistributionLibrary.builtIn().get("brain-t2-3T-16ch-healthy"), 3, 0, 2, 32).lesionBoxes()).isEmpty();
        assertThat(DistributionLibrary.builtIn().get("brain-t2-3T-16ch").lesionSizeMaxMm()).isEqualTo(6.5);
    }

    @Test
    void simulateWritesTheBoxesAsFastMriPlusAnnotations() {
        DistributionRecipe d = DistributionLibrary.builtIn().get("brain-t2-3T-16ch-lesions");
        SimulationRun.run(List.of(d), new SimulationRun.Settings(1, 12, 128, 3, 2), tmp, null);
        PathologyBoxes read = PathologyBoxes.read(tmp.resolve(SimulationRun.ANNOTATIONS));
        List<SimulatedVolume.LesionBox> expected = Simulator.simulate(d, 3, 0, 12, 128).lesionBoxes();
        assertThat(expected).isNotEmpty();
        assertThat(read.boxes()).hasSize(expected.size());
        assertThat(read.boxes().get(0).y()).isEqualTo(expected.get(0).y());
        assertThat(read.boxes()).allMatch(b -> b.file().startsWith("sim_brain-t2-3T-16ch-lesions_") && b.label().equals("Lesion"));
    }
}
