package org.robustmri.metric;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Box SSIM against numpy flips and crops, torch's nearest interpolate and scikit-image's SSIM. */
class BoxSsimTest {
    @Test
    void matchesTheIndependentComputationForEveryKindOfBox() {
        JsonNode g = TestFiles.golden("box_ssim.json");
        int h = g.get("height").asInt(), w = g.get("width").asInt();
        float[] t = TestFiles.floats(g.get("target")), r = TestFiles.floats(g.get("recon"));
        double range = g.get("data_range").asDouble();
        for (JsonNode b : g.get("boxes")) {
            int x = b.get("x").asInt(), y = b.get("y").asInt(), bw = b.get("width").asInt(), bh = b.get("height").asInt();
            String what = "box x=" + x + " y=" + y + " " + bw + "x" + bh;
            BoxSsim.Crop c = BoxSsim.upscaleToWindow(BoxSsim.flippedCrop(t, h, w, x, y, bw, bh));
            assertThat(new int[]{c.height(), c.width()}).as(what).containsExactly(b.get("scaled_shape").get(0).asInt(), b.get("scaled_shape").get(1).asInt());
            assertThat(BoxSsim.ssim(t, r, h, w, x, y, bw, bh, range)).as(what).isCloseTo(b.get("ssim").asDouble(), within(1e-9));
            double a = (double) bw * bh / (h * w);
            assertThat(a).isCloseTo(b.get("relative_area").asDouble(), within(1e-15));
            assertThat(BoxSsim.sizeClass(a).label()).as(what).isEqualTo(b.get("size_class").asText());
        }
    }

    @Test
    void theBoxIsReadInTheFlippedImage() {
        int h = 20, w = 16;
        float[] img = new float[h * w];
        for (int i = 0; i < img.length; i++) img[i] = i;
        BoxSsim.Crop c = BoxSsim.flippedCrop(img, h, w, 3, 0, 2, 2);
        // row 0 of the flipped image is the last stored row
        assertThat(c.values()).containsExactly((h - 1) * w + 3, (h - 1) * w + 4, (h - 2) * w + 3, (h - 2) * w + 4);
        // perfect inside the box, zero everywhere else: SSIM 1
        float[] recon = new float[h * w];
        // recon is 0 outside the box
        int x = 4, y = 1, bw = 8, bh = 7;
        for (int i = 0; i < bh; i++) {
            int row = h - 1 - (y + i);
            System.arraycopy(img, row * w + x, recon, row * w + x, bw);
        }
        assertThat(BoxSsim.ssim(img, recon, h, w, x, y, bw, bh, 400)).isEqualTo(1.0);
        assertThat(BoxSsim.ssim(img, recon, h, w, x, h - y - bh, bw, bh, 400)).isLessThan(0.5); // the unflipped box
    }

    @Test
    void nearestIndicesFollowPyTorchAndBoxesOutsideTheImageAreRefused() {
        // 3 -> 7 with scale 7/3: floor(d * 0.42857143f)
        assertThat(BoxSsim.sourceIndices(3, 7, 7.0 / 3)).containsExactly(0, 0, 0, 1, 1, 2, 2);
        assertThat(BoxSsim.sourceIndices(1, 7, 7.0)).containsExactly(0, 0, 0, 0, 0, 0, 0);
        assertThat(BoxSsim.sizeClass(0.01)).isEqualTo(BoxSsim.SizeClass.SMALL);
        assertThat(BoxSsim.sizeClass(0.0100001)).isEqualTo(BoxSsim.SizeClass.LARGE);
        assertThatThrownBy(() -> BoxSsim.flippedCrop(new float[100], 10, 10, 10, 2, 3, 3)).hasMessageContaining("outside");
    }
}
