package org.robustmri.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FastMriFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryRealSampleWithHeaderAndAttributes() {
        for (Path p : TestFiles.realKspaceFiles()) {
            try (FastMriFile f = FastMriFile.open(p)) {
                KspaceGeometry g = f.kspace();
                IsmrmrdHeader h = f.header().orElseThrow();
                assertThat(g.layout()).isEqualTo(KspaceLayout.COMPLEX_COMPOUND);
                assertThat(g.multiCoil()).isTrue();
                assertThat(g.contiguous()).isTrue();
                assertThat(g.coils()).as(p.toString()).isEqualTo(h.receiverChannels());
                assertThat(g.height()).isEqualTo(h.encodedX());
                assertThat(g.width()).isEqualTo(h.encodedY());
                assertThat(f.shapeOf(FastMriFile.TARGET_RSS)).containsExactly(1, h.reconX(), h.reconY());
                Map<String, Object> attrs = f.attributes();
                assertThat(attrs).containsKeys("acquisition", "max", "norm", "patient_id");
                float[] target = f.readFloatVolume(FastMriFile.TARGET_RSS);
                double max = 0, sq = 0;
                for (float v : target) {
                    max = Math.max(max, v);
                    sq += (double) v * v;
                }
                assertThat(max).isCloseTo((Double) attrs.get("max"), within(1e-6 * max));
                assertThat(Math.sqrt(sq)).isCloseTo((Double) attrs.get("norm"), within(1e-5 * Math.sqrt(sq)));
            }
        }
    }

    @Test
    void parsesTheHeaderFieldsAndPadding() {
        try (FastMriFile f = FastMriFile.open(TestFiles.REAL_KSPACE.resolve("pulseq_invivo_brain_16ch.h5"))) {
            IsmrmrdHeader h = f.header().orElseThrow();
            assertThat(h.vendor()).isEqualTo("SIEMENS");
            assertThat(h.fieldStrengthT()).isCloseTo(2.89362, within(1e-9));
            assertThat(h.receiverChannels()).isEqualTo(16);
            assertThat(h.protocol()).isEqualTo("AX_GRE");
            assertThat(h.encodedY()).isEqualTo(128);
            // padding_left = W // 2 - center, padding_right = left + maximum + 1
            assertThat(h.paddingLeft()).isEqualTo(128 / 2 - h.peCenter());
            assertThat(h.paddingRight()).isEqualTo(h.paddingLeft() + h.peMaximum() + 1);
        }
        try (FastMriFile f = FastMriFile.open(TestFiles.REAL_KSPACE.resolve("twixtools_gre_phantom_2ch.h5"))) {
            IsmrmrdHeader h = f.header().orElseThrow();
            assertThat(Double.isNaN(h.fieldStrengthT())).isTrue();
            assertThat(h.model()).isEqualTo("unknown");
            assertThat(h.paddingLeft()).isEqualTo(0);
            assertThat(h.paddingRight()).isEqualTo(160);
        }
    }

    @Test
    void headerXmlRoundTrips() {
        IsmrmrdHeader h = new IsmrmrdHeader("SimVendor", "SimScan 3", 3.0, 16, "robustmri simulator", "AXT2",
                640, 368, 1, 320, 320, 1, 184, 367);
        assertThat(IsmrmrdHeader.parse(h.toXml())).isEqualTo(h);
        assertThat(h.paddingLeft()).isEqualTo(0);
        assertThat(h.paddingRight()).isEqualTo(368);
    }

    @Test
    void chunkedCompressedFileReadsLikeTheContiguousOriginal() {
        Path original = TestFiles.REAL_KSPACE.resolve("twixtools_gre_phantom_2ch.h5");
        try (FastMriFile a = FastMriFile.open(original);
             FastMriFile b = FastMriFile.open(TestFiles.FIXTURES.resolve("chunked_gzip.h5"))) {
            assertThat(b.kspace().contiguous()).isFalse();
            assertThat(b.kspace().sliceShape()).containsExactly(a.kspace().sliceShape());
            FloatBuffer x = a.readKspaceSlice(0).asFloatBuffer();
            FloatBuffer y = b.readKspaceSlice(0).asFloatBuffer();
            assertThat(y.remaining()).isEqualTo(x.remaining()).isEqualTo(2 * 160 * 160 * 2);
            for (int i = 0; i < x.remaining(); i++) assertThat(y.get(i)).isEqualTo(x.get(i));
            assertThat(b.readFloatVolume(FastMriFile.TARGET_RSS)).containsExactly(a.readFloatVolume(FastMriFile.TARGET_RSS));
            assertThat(b.header()).isEqualTo(a.header());
        }
    }

    @Test
    void singleCoilFileReportsOneCoil() {
        try (FastMriFile f = FastMriFile.open(TestFiles.FIXTURES.resolve("singlecoil.h5"))) {
            KspaceGeometry g = f.kspace();
            assertThat(g.multiCoil()).isFalse();
            assertThat(g.sliceShape()).containsExactly(1, 32, 24);
            assertThat(g.slices()).isEqualTo(2);
            assertThat(f.readKspaceSlice(1).remaining()).isEqualTo(32 * 24 * 8);
            assertThat(f.has(FastMriFile.TARGET_ESC)).isTrue();
        }
    }

    @Test
    void writtenVolumeReadsBackBitForBit() {
        int s = 2, c = 3, h = 8, w = 6;
        float[] k = new float[s * c * h * w * 2];
        for (int i = 0; i < k.length; i++) k[i] = (float) Math.sin(i * 0.37) * (i % 3 == 0 ? -1 : 1);
        float[] target = new float[s * 4 * 4];
        for (int i = 0; i < target.length; i++) target[i] = i * 0.5f;
        IsmrmrdHeader header = new IsmrmrdHeader("SimVendor", "SimScan", 1.5, c, "sim", "AXT1",
                h, w, 1, 4, 4, 1, 3, 5);
        Path out = tmp.resolve("vol.h5");
        FastMriWriter.writeVolume(out, new FastMriWriter.Contents(s, c, h, w, k, 4, 4, target, header,
                "AXT1", "patient-7", Map.of()));
        try (FastMriFile f = FastMriFile.open(out)) {
            assertThat(f.kspace().layout()).isEqualTo(KspaceLayout.FLOAT_TRAILING_PAIR);
            assertThat(f.kspace().sliceShape()).containsExactly(c, h, w);
            ByteBuffer b1 = f.readKspaceSlice(1);
            FloatBuffer fb = b1.asFloatBuffer();
            for (int i = 0; i < fb.remaining(); i++) assertThat(fb.get(i)).isEqualTo(k[c * h * w * 2 + i]);
            assertThat(f.readFloatVolume(FastMriFile.TARGET_RSS)).containsExactly(target);
            assertThat(f.header()).contains(header);
            assertThat(f.stringAttribute("patient_id")).contains("patient-7");
            assertThat(f.numberAttribute("max")).contains(15.5);
            assertThat(f.stringAttribute(KspaceLayout.ATTRIBUTE)).contains(KspaceLayout.TRAILING_PAIR_VALUE);
        }
        assertThat(tmp.toFile().list()).containsExactly("vol.h5");
    }

    @Test
    void reconstructionFileRoundTrips() {
        float[] r = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Path out = tmp.resolve("r.h5");
        FastMriWriter.writeReconstruction(out, r, 3, 2, 2, Map.of("mask", "mask[type=equispaced]"));
        try (FastMriFile f = FastMriFile.open(out)) {
            assertThat(f.shapeOf(FastMriFile.RECONSTRUCTION)).containsExactly(3, 2, 2);
            assertThat(f.readFloatVolume(FastMriFile.RECONSTRUCTION)).containsExactly(r);
            assertThat(f.readFloatSlice(FastMriFile.RECONSTRUCTION, 2)).containsExactly(9, 10, 11, 12);
            assertThat(f.stringAttribute("mask")).contains("mask[type=equispaced]");
        }
    }

    @Test
    void refusesANonHdf5File() throws IOException {
        Path p = tmp.resolve("notes.h5");
        Files.writeString(p, "this is not HDF5");
        assertThatThrownBy(() -> FastMriFile.open(p)).isInstanceOf(DataException.class)
                .hasMessageContaining("notes.h5").hasMessageContaining("not a readable HDF5 file");
    }

    @Test
    void refusesATruncatedFile() throws IOException {
        Path p = tmp.resolve("cut.h5");
        byte[] all = Files.readAllBytes(TestFiles.REAL_KSPACE.resolve("pulseq_phantom_32ch.h5"));
        Files.write(p, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> {
            try (FastMriFile f = FastMriFile.open(p)) {
                f.readKspaceSlice(0);
            }
        }).isInstanceOf(DataException.class).hasMessageContaining("cut.h5");
    }

    @Test
    void refusesMissingKspaceWrongRankAndNaN() {
        assertThatThrownBy(() -> {
            try (FastMriFile f = FastMriFile.open(TestFiles.FIXTURES.resolve("no_kspace.h5"))) {
                f.kspace();
            }
        }).isInstanceOf(DataException.class).hasMessageContaining("no_kspace.h5: no 'kspace' dataset");
        assertThatThrownBy(() -> {
            try (FastMriFile f = FastMriFile.open(TestFiles.FIXTURES.resolve("kspace_rank2.h5"))) {
                f.kspace();
            }
        }).isInstanceOf(DataException.class).hasMessageContaining("kspace_rank2.h5").hasMessageContaining("rank 2");
        assertThatThrownBy(() -> {
            try (FastMriFile f = FastMriFile.open(TestFiles.FIXTURES.resolve("nan_kspace.h5"))) {
                f.readKspaceSlice(0);
            }
        }).isInstanceOf(DataException.class).hasMessageContaining("nan_kspace.h5").hasMessageContaining("NaN");
    }
}
