package org.robustmri.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.data.Catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog and select commands: output, written files and exit codes. */
class DataCommandsTest {
    static final Path SPLITS = Path.of("src", "test", "resources", "paper-splits");
    static final String TRAIN = SPLITS.resolve("fastmri_sliced/train/seed_0/trainset_01.csv").toString();
    static final String PD_CONFIG = SPLITS.resolve("training_examples/unet-small_pd.yml").toString();

    @TempDir
    Path tmp;

    @Test
    void catalogWritesTheCsvAndListsUnreadableFiles() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (Path p : TestFiles.realKspaceFiles()) Files.copy(p, data.resolve(p.getFileName()));
        Files.writeString(data.resolve("broken.h5"), "junk");
        Path out = tmp.resolve("catalog.csv");
        CliTestSupport.Result r = CliTestSupport.run("catalog", data.toString(), "--out", out.toString(), "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("catalogued 5 volume(s), 5 slice(s) from 6 file(s)").contains("files/s").contains("1 failed");
        assertThat(r.err()).contains("skipped " + data.resolve("broken.h5")).contains("1 file(s) could not be read");
        Catalog c = Catalog.read(out);
        assertThat(c.size()).isEqualTo(5);
        assertThat(c.columns()).isEqualTo(Catalog.COLUMNS);
        assertThat(Files.readAllLines(tmp.resolve("catalog_errors.csv"))).hasSize(2);
        assertThat(tmp.resolve("catalog.csv.provenance.json")).isRegularFile();

        Files.delete(data.resolve("broken.h5"));
        assertThat(CliTestSupport.run("catalog", data.toString(), "--out", out.toString()).code()).isZero();
        assertThat(tmp.resolve("catalog_errors.csv")).doesNotExist(); // no stale errors from the earlier run
    }

    @Test
    void catalogErrorsAndUsage() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliTestSupport.Result none = CliTestSupport.run("catalog", empty.toString(), "--out", tmp.resolve("c.csv").toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err().trim()).isEqualTo("error: " + empty + ": no .h5 files");
        Files.writeString(empty.resolve("bad.h5"), "junk");
        CliTestSupport.Result allBad = CliTestSupport.run("catalog", empty.toString(), "--out", tmp.resolve("c.csv").toString());
        assertThat(allBad.code()).isEqualTo(1);
        assertThat(allBad.err()).contains("none of the 1 .h5 file(s) could be read").contains("bad.h5");
        assertThat(tmp.resolve("c.csv")).doesNotExist();
        assertThat(CliTestSupport.run("catalog", "--out", tmp.resolve("c.csv").toString()).code()).isEqualTo(2);
        assertThat(CliTestSupport.run("catalog", empty.toString(), "--out", "x.csv", "--threads", "0").code()).isEqualTo(2);
        assertThat(CliTestSupport.run("catalog", tmp.resolve("nowhere").toString(), "--out", "x.csv").code()).isEqualTo(1);
    }

    @Test
    void selectPrintsVolumesSlicesAndCountsOfTheConfigsTrainAttr() {
        CliTestSupport.Result r = CliTestSupport.run("select", "--catalog", TRAIN, "--distribution", PD_CONFIG);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("selected: 165 volume(s), 165 row(s), 5969 slice(s)")
                .contains("train_attr (3 filter(s))")
                .containsPattern("\\n\\s+1\\s+60\\s+\\{protocolName: CORPD_FBK, systemModel: Aera\\}")
                .containsPattern("\\n\\s+Biograph_mMR\\s+49\\s+1856")
                .containsPattern("\\n\\s+2.89362\\s+105\\s+3937")
                .contains("receiverChannels:").contains("datasetName:");
        CliTestSupport.Result test = CliTestSupport.run("select", "--catalog", SPLITS.resolve("fastmri_sliced/test/testset.csv").toString(),
                "--distribution", PD_CONFIG, "--key", "test_attr", "--list");
        assertThat(test.out()).contains("selected: 104 volume(s), 104 row(s), 2152 slice(s)").contains("[0, 14)");
    }

    @Test
    void selectWritesTheSelectionAndChecksFilesUnderADataRoot() throws IOException {
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), "- {protocolName: CORPD_FBK, systemFieldStrength_T: {min: 2.5}}\n");
        Path out = tmp.resolve("sel.csv");
        CliTestSupport.Result r = CliTestSupport.run("select", "--catalog", TRAIN, "--distribution", spec.toString(), "--out", out.toString());
        assertThat(r.code()).isZero();
        assertThat(Catalog.read(out).size()).isEqualTo(105);
        CliTestSupport.Result missing = CliTestSupport.run("select", "--catalog", TRAIN, "--distribution", spec.toString(),
                "--data-root", tmp.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).contains("selected: 105 volume(s)");
        assertThat(missing.err()).contains("not found under " + tmp).contains("105 of 105").contains(".h5");
        assertThat(missing.err().trim().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
    }

    @Test
    void selectUsageAndDataErrors() throws IOException {
        Path unknownKey = Files.writeString(tmp.resolve("k.yaml"), "- {scanner: Skyra}\n");
        CliTestSupport.Result r = CliTestSupport.run("select", "--catalog", TRAIN, "--distribution", unknownKey.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'scanner'").contains("known columns:").contains("protocolName");
        CliTestSupport.Result noCatalog = CliTestSupport.run("select", "--catalog", tmp.resolve("none.csv").toString(), "--distribution", unknownKey.toString());
        assertThat(noCatalog.code()).isEqualTo(1);
        assertThat(noCatalog.err()).contains("none.csv: no such file");
        Path badCsv = Files.writeString(tmp.resolve("bad.csv"), "filename,end_slice\na.h5,many\n");
        CliTestSupport.Result bad = CliTestSupport.run("select", "--catalog", badCsv.toString(), "--distribution", unknownKey.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("bad.csv: line 2");
        assertThat(CliTestSupport.run("select", "--catalog", TRAIN).code()).isEqualTo(2);
        Path nothing = Files.writeString(tmp.resolve("n.yaml"), "- {protocolName: NOPE}\n");
        CliTestSupport.Result empty = CliTestSupport.run("select", "--catalog", TRAIN, "--distribution", nothing.toString());
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).contains("selected: 0 volume(s)");
        assertThat(empty.err()).contains("warning: filter 1 {protocolName: NOPE} selects nothing");
    }
}
