package org.robustmri.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimilaritiesTest {
    @Test
    void pearsonMatchesHandComputedValues() {
        // y = 2x + 1: r = 1; y = -x: r = -1; x = (1,2,3), y = (1,3,2): r = 0.5
        assertThat(Similarities.pearson(List.of(new double[]{1, 3}, new double[]{2, 5}, new double[]{3, 7}))).isCloseTo(1.0, within(1e-12));
        assertThat(Similarities.pearson(List.of(new double[]{1, -1}, new double[]{2, -2}, new double[]{4, -4}))).isCloseTo(-1.0, within(1e-12));
        assertThat(Similarities.pearson(List.of(new double[]{1, 1}, new double[]{2, 3}, new double[]{3, 2}))).isCloseTo(0.5, within(1e-12));
        assertThat(Similarities.pearson(List.of(new double[]{1, 1}, new double[]{1, 3}, new double[]{1, 2}))).isNaN();
    }

    @Test
    void readsTheTableAndRefusesAnotherFile(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("similarity.csv");
        Files.writeString(f, Similarities.HEADER + "\na,p,10,5,0.950000000,\"random-conv(seed=0,layers=x)\"\nb,p,10,5,0.900000000,\"random-conv(seed=0,layers=x)\"\n");
        Similarities s = Similarities.read(f);
        assertThat(s.similarity("a", "p")).isEqualTo(0.95);
        assertThat(s.similarity("b", "p")).isEqualTo(0.90);
        assertThat(s.similarity("c", "p")).isNaN();
        assertThat(s.embedding()).isEqualTo("random-conv(seed=0,layers=x)");
        Files.writeString(f, "x,y\n1,2\n");
        assertThatThrownBy(() -> Similarities.read(f)).hasMessageContaining("similarity.csv").hasMessageContaining("not a similarity table");
    }

    /** The similarity figure's axis names the embedding that made it. */
    @org.junit.jupiter.api.Test
    void theFigureNamesItsEmbedding() {
        org.assertj.core.api.Assertions.assertThat(Charts.embeddingName(
                "clip(ViT-B/16 from clip.safetensors sha256 0123456789ab,act=quickgelu,heads=12,input=...,output=512)")).isEqualTo("CLIP ViT-B/16");
        org.assertj.core.api.Assertions.assertThat(Charts.embeddingName(
                "random-conv(seed=0,layers=3x3 stride 2 1-16-32-64-128 relu,features=channel mean+std per layer,input=128x128 standardised)")).isEqualTo("random-conv");
    }
}
