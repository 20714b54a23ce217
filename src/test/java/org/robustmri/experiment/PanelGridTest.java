package org.robustmri.experiment;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The panel grid puts each reconstruction in its row and its error to the target beside it, at a readable size. */
class PanelGridTest {
    @Test
    void rowsAreReconstructionsAndErrorsSitBesideThem() {
        int h = 8, w = 10;
        float[] target = new float[h * w], recon = new float[h * w];
        for (int i = 0; i < h * w; i++) {
            target[i] = 0.5f;
            recon[i] = 0.25f;
        }
        List<PanelGrid.Row> rows = List.of(new PanelGrid.Row(List.of("target"), List.of(target), null),
                new PanelGrid.Row(List.of("model"), List.of(recon), List.of(0.5)));
        BufferedImage img = PanelGrid.draw("set", List.of("slice 0"), List.of(target), rows, h, w, 1f);
        int zoom = (int) Math.ceil((double) PanelGrid.MIN_CELL / w); // 18
        int cell = w * zoom;
        assertThat(cell).isGreaterThanOrEqualTo(PanelGrid.MIN_CELL);
        assertThat(img.getWidth()).isEqualTo(200 + 2 * (cell + 4));
        assertThat(img.getHeight()).isEqualTo(40 + 2 * (h * zoom + 4));
        // row 0 image: 0.5 of the window -> grey 127; row 1 image: 0.25 -> 63; its error |0.25 - 0.5| x 4 = 1 -> 255
        int y0 = 40 + 5, y1 = 40 + h * zoom + 4 + 5;
        assertThat(img.getRGB(200 + 5, y0) & 0xff).isEqualTo(127);
        assertThat(img.getRGB(200 + 5, y1) & 0xff).isEqualTo(63);
        assertThat(img.getRGB(200 + cell + 4 + 5, y1) & 0xff).isEqualTo(255);
        // the target row has no error cell: white background
        assertThat(img.getRGB(200 + cell + 4 + 5, y0) & 0xffffff).isEqualTo(0xffffff);
    }
}
