package org.robustmri.data;

import org.junit.jupiter.api.Test;
import org.robustmri.io.DataException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathologyBoxesTest {
    @Test
    void readsThePublishedFastMriPlusFormat() {
        PathologyBoxes p = PathologyBoxes.read(Path.of("src/test/resources/fastmri-plus/annotations_excerpt.csv"));
        assertThat(p.boxes()).hasSize(14);
        assertThat(p.studyLevelRows()).isEqualTo(3);
        assertThat(p.boxes().get(0)).isEqualTo(new PathologyBoxes.Box("file_brain_AXFLAIR_200_6002425", 2, 91, 132, 7, 6,
                "Nonspecific white matter lesion"));
        assertThat(p.byFile().keySet()).containsExactly("file_brain_AXFLAIR_200_6002425", "file_brain_AXFLAIR_200_6002428", "file1000001");
        assertThat(p.byFile().get("file1000001").get(1).label()).isEqualTo("Cartilage - Partial Thickness loss/defect");
    }

    @Test
    void readsThePapersPathologyTestSet() {
        PathologyBoxes p = PathologyBoxes.read(Path.of("configs/paper/splits/fastmri_sliced/test/pathology_testset.csv"));
        // the paper's test set: 822 single-slice boxes and 87 study-level "Normal for age" volumes
        assertThat(p.boxes()).hasSize(822);
        assertThat(p.studyLevelRows()).isEqualTo(87);
        PathologyBoxes.Box b = p.boxes().get(0);
        assertThat(b).isEqualTo(new PathologyBoxes.Box("file_brain_AXFLAIR_200_6002462", 0, 210, 210, 10, 17, "Pathology"));
    }

    @Test
    void badRowsNameTheLine(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("boxes.csv");
        Files.writeString(f, "file,slice,study_level,x,y,width,height,label\na,1,No,3,4,5,6,L\nb,2,No,3.5,4,5,6,L\n");
        assertThatThrownBy(() -> PathologyBoxes.read(f)).isInstanceOf(DataException.class).hasMessageContaining("boxes.csv")
                .hasMessageContaining("line 3").hasMessageContaining("x is not a whole number");
        Files.writeString(f, "file,slice,label\na,1,L\n");
        assertThatThrownBy(() -> PathologyBoxes.read(f)).hasMessageContaining("no column x, y, width, height");
        Files.writeString(f, "file,slice,study_level,x,y,width,height,label\na,1,No,3,4,0,6,L\n");
        assertThatThrownBy(() -> PathologyBoxes.read(f)).hasMessageContaining("line 2").hasMessageContaining("0x6");
        assertThatThrownBy(() -> PathologyBoxes.read(tmp.resolve("none.csv"))).isInstanceOf(DataException.class)
                .hasMessageContaining("none.csv").hasMessageContaining("no such annotation file");
    }
}
