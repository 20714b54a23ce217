package org.robustmri.sim;

import org.robustmri.io.KspaceGeometry;
import org.robustmri.eval.Preview;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.Main;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdHeader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SimulationRunTest {
    static final DistributionLibrary LIB = DistributionLibrary.builtIn();

    @TempDir
    Path tmp;

    @Test
    void filesAreIdenticalForOneAndTwoThreads() throws IOException {
        List<DistributionRecipe> ds = LIB.resolve(List.of("knee-pdfs-1.5T-8ch", "brain-t1-1.5T-8ch"));
        AtomicInteger steps = new AtomicInteger();
        SimulationRun.Result one = SimulationRun.run(ds, new SimulationRun.Settings(2, 3, 32, 42, 1), tmp.resolve("one"), steps::incrementAndGet);
        SimulationRun.Result two = SimulationRun.run(ds, new SimulationRun.Settings(2, 3, 32, 42, 2), tmp.resolve("two"), null);
        assertThat(steps.get()).isEqualTo(2 * 2 * 3);
        assertThat(one.slices()).isEqualTo(12);
        assertThat(one.files()).extracting(p -> p.getFileName().toString()).containsExactly(
                "sim_knee-pdfs-1.5T-8ch_0000.h5", "sim_knee-pdfs-1.5T-8ch_0001.h5",
                "sim_brain-t1-1.5T-8ch_0000.h5", "sim_brain-t1-1.5T-8ch_0001.h5");
        for (int i = 0; i < one.files().size(); i++) {
            Path a = one.files().get(i), b = two.files().get(i);
            assertThat(b.getFileName()).isEqualTo(a.getFileName());
            assertThat(Files.readAllBytes(b)).as(a.getFileName().toString()).isEqualTo(Files.readAllBytes(a));
        }
        // a different seed changes every file
        SimulationRun.Result other = SimulationRun.run(ds.subList(0, 1), new SimulationRun.Settings(1, 3, 32, 43, 2), tmp.resolve("other"), null);
        assertThat(Files.readAllBytes(other.files().get(0))).isNotEqualTo(Files.readAllBytes(one.files().get(0)));
        try (Stream<Path> s = Files.list(tmp.resolve("one"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(org.robustmri.io.AtomicFiles::isTemporary)).isEmpty(); // no temporaries left
        }
    }

    @Test
    void everyNamedDistributionWritesTheRightHeaderAndAttributes() {
        int m = 32;
        List<DistributionRecipe> all = LIB.all();
        SimulationRun.Result r = SimulationRun.run(all, new SimulationRun.Settings(1, 1, m, 5, 2), tmp, null);
        assertThat(r.files()).hasSize(all.size());
        for (int k = 0; k < all.size(); k++) {
            DistributionRecipe d = all.get(k);
            try (FastMriFile f = FastMriFile.open(r.files().get(k))) {
                assertThat(f.fileName()).isEqualTo("sim_" + d.name() + "_0000.h5");
                KspaceGeometry g = f.kspace();
                assertThat(new int[]{g.slices(), g.coils(), g.height(), g.width()}).containsExactly(1, d.coils(), 2 * m, m);
                assertThat(f.shapeOf(FastMriFile.TARGET_RSS)).containsExactly(1, m, m);
                IsmrmrdHeader h = f.header().orElseThrow();
                assertThat(h.vendor()).isEqualTo(d.vendor());
                assertThat(h.model()).isEqualTo(d.model());
                assertThat(h.fieldStrengthT()).isEqualTo(d.fieldStrengthT());
                assertThat(h.receiverChannels()).isEqualTo(d.coils());
                assertThat(h.protocol()).isEqualTo(d.protocol());
                assertThat(h.institution()).isEqualTo("robustmri simulator");
                assertThat(new int[]{h.encodedX(), h.encodedY(), h.reconX(), h.reconY()}).containsExactly(2 * m, m, m, m);
                assertThat(h.peCenter()).isEqualTo(m / 2);
                assertThat(h.peMaximum()).isEqualTo(m - 1);
                assertThat(h.paddingLeft()).isZero();
                assertThat(h.paddingRight()).isEqualTo(m);
                Map<String, Object> attrs = f.attributes();
                assertThat(attrs.get("acquisition")).isEqualTo(d.protocol());
                assertThat(attrs.get("patient_id")).isEqualTo("sim-" + d.name() + "-5-0");
                assertThat(attrs.get("dataset_name")).isEqualTo(d.name());
                assertThat(attrs.get("anatomy")).isEqualTo(d.anatomy().id());
                assertThat(attrs.get("contrast")).isEqualTo(d.contrast().id());
                assertThat(attrs.get("sequence_type")).isEqualTo(d.sequenceType().id());
                assertThat(((Number) attrs.get("simulator_seed")).longValue()).isEqualTo(5L);
                float[] target = f.readFloatVolume(FastMriFile.TARGET_RSS);
                double max = 0;
                for (float t : target) max = Math.max(max, t);
                assertThat(((Number) attrs.get("max")).doubleValue()).isEqualTo(max, org.assertj.core.api.Assertions.within(1e-12));
            }
        }
    }

    @Test
    void previewHasOneColumnPerFileAndTwoRows() throws IOException {
        List<DistributionRecipe> ds = LIB.resolve(List.of("brain-flair-3T-16ch", "knee-pd-1.5T-15ch"));
        SimulationRun.Result r = SimulationRun.run(ds, new SimulationRun.Settings(1, 2, 32, 1, 2), tmp, null);
        Path png = tmp.resolve("sheet.png");
        Preview.write(png, r.files());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(2 * 256);
        assertThat(img.getHeight()).isEqualTo(2 * 256 + 24);
    }

    @Test
    void commandLineWritesFilesProvenanceAndPreview() throws IOException {
        Path out = tmp.resolve("out");
        Path png = tmp.resolve("preview.png");
        Run r = cli("simulate", "--distributions", "brain-t2-3T-16ch,knee-pdfs-3T-15ch", "--volumes", "2", "--slices", "1",
                "--matrix", "32", "--seed", "3", "--out", out.toString(), "--preview", png.toString(), "--threads", "2");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("wrote 4 volume(s), 4 slices");
        assertThat(out.resolve("sim_brain-t2-3T-16ch_0001.h5")).isRegularFile();
        assertThat(out.resolve("sim_knee-pdfs-3T-15ch_0000.h5")).isRegularFile();
        assertThat(png).isRegularFile();
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertThat(prov.get("command").asText()).isEqualTo("simulate");
        assertThat(prov.get("seed").asLong()).isEqualTo(3);
        assertThat(prov.get("distributions")).hasSize(2);
        assertThat(prov.at("/distributions/1/contrast").asText()).isEqualTo("pdfs");
        assertThat(prov.get("outputs")).hasSize(4);

        Run list = cli("simulate", "--list");
        assertThat(list.code).isZero();
        assertThat(list.out).contains("brain-t1post-1.5T-12ch").contains("knee-pdfs-1.5T-8ch");
    }

    @Test
    void badInputIsAOneLineUsageErrorAndWritesNothing() throws IOException {
        Path out = tmp.resolve("never");
        Run unknown = cli("simulate", "--distributions", "brain-t2-3T-16ch,brain-dwi-3T-16ch", "--out", out.toString());
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err.strip()).startsWith("error: unknown distribution 'brain-dwi-3T-16ch'").contains("brain-t2-3T-16ch")
                .doesNotContain("\n");
        assertThat(cli("simulate", "--distributions", "brain-t2-3T-16ch", "--slices", "0", "--out", out.toString()).code).isEqualTo(2);
        assertThat(cli("simulate", "--distributions", "brain-t2-3T-16ch", "--volumes", "-1", "--out", out.toString()).code).isEqualTo(2);
        assertThat(cli("simulate", "--distributions", "brain-t2-3T-16ch", "--matrix", "0", "--out", out.toString()).code).isEqualTo(2);
        assertThat(cli("simulate", "--distributions", "brain-t2-3T-16ch", "--threads", "-2", "--out", out.toString()).code).isEqualTo(2);
        assertThat(cli("simulate", "--distributions", "brain-t2-3T-16ch").code).isEqualTo(2); // no --out
        assertThat(cli("simulate", "--out", out.toString()).code).isEqualTo(2); // no --distributions
        assertThat(cli("simulate", "--distributions", "brain-t2-3T-16ch", "--out", out.toString(), "--preview", "x.jpg").code).isEqualTo(2);
        Path yaml = tmp.resolve("bad.yaml");
        Files.writeString(yaml, "distributions:\n  brain-t2-3T-16ch:\n    coil: 8\n");
        Run badYaml = cli("simulate", "--distributions", "brain-t2-3T-16ch", "--library", yaml.toString(), "--out", out.toString());
        assertThat(badYaml.code).isEqualTo(2);
        assertThat(badYaml.err).contains("unknown key 'coil'").contains("bad.yaml");
        assertThat(out).doesNotExist();
    }

    record Run(int code, String out, String err) {
    }

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
