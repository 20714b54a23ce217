package org.robustmri.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The smoke version of the main job, end to end through the CLI. */
class DemoQuickTest {
    @TempDir
    Path tmp;

    @Test
    void quickDemoBuildsTheReport() throws Exception {
        Path dir = tmp.resolve("demo-quick");
        CliTestSupport.Result r = CliTestSupport.run("demo", "--quick", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Findings:").contains("report: ");
        assertThat(dir.resolve("report.html")).exists();
        // 3 U-Nets, 3 ViTs, 2 VarNets; the claims table has rows for every architecture
        assertThat(Files.readAllLines(dir.resolve("runs.csv"))).hasSize(1 + 3 + 3 + 2);
        String claims = Files.readString(dir.resolve("analyses").resolve("claims.csv"));
        assertThat(claims).contains("unet-c4-p2").contains("vit-e4-h2-d1-p8").contains("varnet-n1-c4-s2-p1-sp1");
        assertThat(Files.readString(dir.resolve("analyses").resolve("diversity.csv"))).contains("out-of-distribution").contains("in-distribution");
        // train-test similarity: every training set x test set; a test set is nearer to a training set that contains
        // its distribution (other subjects) than to one that does not
        java.util.List<String> sim = Files.readAllLines(dir.resolve("similarity.csv"));
        assertThat(sim.get(0)).isEqualTo(org.robustmri.report.Similarities.HEADER);
        org.robustmri.report.Relations rel = org.robustmri.report.Relations.read(dir.resolve("relations.csv"));
        double in = 0, out = 0;
        int nin = 0, nout = 0;
        for (String line : sim.subList(1, sim.size())) {
            String[] c = line.split(",");
            double v = Double.parseDouble(c[4]);
            assertThat(v).isBetween(0.0, 1.0);
            if (rel.kind(c[0], c[1]) == org.robustmri.report.Relations.Kind.IN) { in += v; nin++; }
            else if (rel.kind(c[0], c[1]) == org.robustmri.report.Relations.Kind.OUT) { out += v; nout++; }
        }
        assertThat(nin).isPositive();
        assertThat(nout).isPositive();
        assertThat(in / nin).isGreaterThan(out / nout);
        assertThat(dir.resolve("analyses").resolve("similarity.csv")).exists();
        assertThat(Files.readString(dir.resolve("summary.txt"))).contains("train-test similarity vs out-of-distribution SSIM");
        // a second call continues the finished study: nothing is trained again, same tables
        String matrix = Files.readString(dir.resolve("analyses").resolve("matrix.csv"));
        long mtime = Files.getLastModifiedTime(dir.resolve("runs").resolve("brain-t2-3T-16ch__unet-c4-p2__m0d0").resolve("checkpoints").resolve("last.safetensors")).toMillis();
        assertThat(CliTestSupport.run("demo", "--quick", "--out", dir.toString()).code()).isZero();
        assertThat(Files.readString(dir.resolve("analyses").resolve("matrix.csv"))).isEqualTo(matrix);
        assertThat(Files.getLastModifiedTime(dir.resolve("runs").resolve("brain-t2-3T-16ch__unet-c4-p2__m0d0").resolve("checkpoints").resolve("last.safetensors")).toMillis()).isEqualTo(mtime);
    }
}
