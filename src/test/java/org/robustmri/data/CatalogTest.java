package org.robustmri.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {
    static final Path SPLITS = Path.of("src", "test", "resources", "paper-splits");
    static final Path TRAINSET_01 = SPLITS.resolve("fastmri_sliced/train/seed_0/trainset_01.csv");
    static final Path TESTSET = SPLITS.resolve("fastmri_sliced/test/testset.csv");
    static final Path PATHOLOGY = SPLITS.resolve("fastmri_sliced/test/pathology_testset.csv");
    static final Path FULL_TEST = SPLITS.resolve("full_datasets/test/all_data_nodir.csv");

    @TempDir
    Path tmp;

    @Test
    void cataloguesTheRealSamplesFromHeadersAndAttributes() {
        CatalogScanner.Result r = CatalogScanner.scan(List.of(TestFiles.REAL_KSPACE), CatalogScanner.Options.defaults());
        assertThat(r.failures()).isEmpty();
        Catalog c = r.catalog();
        assertThat(c.columns()).startsWith(Catalog.PAPER_COLUMNS.toArray(String[]::new))
                .containsSubsequence("datasetName", "patient_id", "anatomy", "header_hash");
        assertThat(c.entries()).extracting(CatalogEntry::filename).containsExactly("pulseq_invivo_brain_16ch.h5",
                "pulseq_invivo_brain_bodycoil_2ch.h5", "pulseq_phantom_16ch.h5", "pulseq_phantom_32ch.h5",
                "twixtools_gre_phantom_2ch.h5");
        CatalogEntry brain = c.entries().get(0);
        assertThat(brain.values()).containsAllEntriesOf(Map.ofEntries(
                Map.entry("start_slice", "0"), Map.entry("end_slice", "1"), Map.entry("numSlices", "1"),
                Map.entry("protocolName", "AX_GRE"), Map.entry("systemFieldStrength_T", "2.89362"),
                Map.entry("receiverChannels", "16"), Map.entry("encodeX", "128"), Map.entry("encodeY", "128"),
                Map.entry("reconX", "128"), Map.entry("reconY", "128"), Map.entry("datasetName", "real-kspace"),
                Map.entry("sequence_type", "unknown"), Map.entry("patient_id", "pulseq-brain-2024-02-06"),
                Map.entry("anatomy", "brain"), Map.entry("institutionName", "pulseq/MR-Physics-with-Pulseq (MIT)")));
        assertThat(brain.get("header_hash")).matches("[0-9a-f]{16}");
        assertThat(brain.folderDirectory()).endsWith("real-kspace/");
        assertThat(Path.of(brain.folderDirectory())).isAbsolute();
        assertThat(brain.path()).isRegularFile();
        assertThat(c.entries()).extracting(e -> e.get("anatomy")).containsExactly("brain", "brain", "phantom", "phantom", "phantom");
        assertThat(c.entries().get(4).get("systemFieldStrength_T")).isEmpty(); // the header says "unknown"
        assertThat(c.entries().get(3).get("receiverChannels")).isEqualTo("32");
        // distinct headers hash differently, the hash is of the header only
        assertThat(c.entries()).extracting(e -> e.get("header_hash")).doesNotHaveDuplicates();
    }

    @Test
    void usesSimulatorAttributesAndReportsUnreadableFilesWithoutFailing() throws IOException {
        Path site = Files.createDirectories(tmp.resolve("siteA"));
        Volumes.write(site.resolve("sim_knee_001.h5"), Volumes.Spec.of(3, "CORPD_FBK", "p-001")
                .with(Volumes.simulatorAttributes("sim_knee", "knee", "PD", "TurboSpinEcho")));
        Volumes.write(site.resolve("b_plain.h5"), Volumes.Spec.of(2, "AXT2", "p-002"));
        Files.writeString(site.resolve("broken.h5"), "not an HDF5 file");
        Files.copy(TestFiles.FIXTURES.resolve("no_kspace.h5"), site.resolve("no_kspace.h5"));
        Files.writeString(site.resolve("notes.txt"), "ignored");
        Files.writeString(site.resolve(".hidden.h5"), "ignored");

        CatalogScanner.Result r = CatalogScanner.scan(List.of(tmp), CatalogScanner.Options.defaults().withThreads(3));
        assertThat(r.filesSeen()).isEqualTo(4);
        assertThat(r.catalog().entries()).extracting(CatalogEntry::filename).containsExactly("b_plain.h5", "sim_knee_001.h5");
        assertThat(r.failures()).extracting(f -> f.file().getFileName().toString()).containsExactly("broken.h5", "no_kspace.h5");
        assertThat(r.failures().get(0).reason()).contains("not a readable HDF5 file");
        assertThat(r.failures().get(1).reason()).contains("no 'kspace' dataset");

        CatalogEntry plain = r.catalog().entries().get(0);
        assertThat(plain.values()).containsAllEntriesOf(Map.of("datasetName", "siteA", "sequence_type", "unknown",
                "anatomy", "brain", "contrast", "T2", "patient_id", "p-002", "protocolName", "AXT2",
                "systemModel", "Skyra", "receiverChannels", "3", "encodeX", "32", "encodeY", "24"));
        assertThat(plain.values()).containsAllEntriesOf(Map.of("reconX", "16", "reconY", "16", "numSlices", "2", "end_slice", "2"));
        CatalogEntry sim = r.catalog().entries().get(1);
        assertThat(sim.values()).containsAllEntriesOf(Map.of("datasetName", "sim_knee", "anatomy", "knee", "contrast", "PD",
                "sequence_type", "TurboSpinEcho", "patient_id", "p-001", "numSlices", "3"));

        Path errors = tmp.resolve("errors.csv");
        r.writeFailures(errors);
        assertThat(Files.readAllLines(errors)).hasSize(3).first().isEqualTo("path,error");
        // written atomically and read back unchanged
        Path out = tmp.resolve("out/catalog.csv");
        r.catalog().write(out);
        Catalog back = Catalog.read(out);
        assertThat(back.columns()).isEqualTo(Catalog.COLUMNS);
        assertThat(back.entries()).isEqualTo(r.catalog().entries());
        assertThat(out.getParent().toFile().list()).containsExactly("catalog.csv");
        // an explicit dataset name wins over the folder name, not over the file's own attribute
        CatalogScanner.Result named = CatalogScanner.scan(List.of(site.resolve("b_plain.h5")),
                CatalogScanner.Options.defaults().withDatasetName("mine"));
        assertThat(named.catalog().entries().get(0).datasetName()).isEqualTo("mine");
    }

    @Test
    void inferAnatomyAndContrastFromNames() {
        assertThat(CatalogScanner.inferAnatomy("AXFLAIR", "file_brain_AXFLAIR_200_6002462.h5")).isEqualTo("brain");
        assertThat(CatalogScanner.inferAnatomy("AXT1POST", "x.h5")).isEqualTo("brain");
        assertThat(CatalogScanner.inferAnatomy("CORPDFS_FBK", "file1000001.h5")).isEqualTo("knee");
        assertThat(CatalogScanner.inferAnatomy("GRE", "scan.h5")).isEqualTo("unknown");
        assertThat(CatalogScanner.inferContrast("CORPDFS_FBK")).isEqualTo("PDFS");
        assertThat(CatalogScanner.inferContrast("CORPD_FBK")).isEqualTo("PD");
        assertThat(CatalogScanner.inferContrast("AXT1POST")).isEqualTo("T1POST");
        assertThat(CatalogScanner.sequenceTypeOf("<a><sequenceParameters><sequence_type>TurboSpinEcho</sequence_type></sequenceParameters></a>"))
                .isEqualTo("TurboSpinEcho");
    }

    @Test
    void readsThePaperCsvsAsCatalogsWhateverTheirColumnOrder() {
        Catalog train = Catalog.read(TRAINSET_01); // end_slice before start_slice
        assertThat(train.columns().subList(0, 4)).containsExactly("folderDirectory", "filename", "end_slice", "start_slice");
        assertThat(train.size()).isEqualTo(1625);
        assertThat(train.totalSlices()).isEqualTo(32415);
        CatalogEntry first = train.entries().get(0);
        assertThat(first.filename()).isEqualTo("file_brain_AXFLAIR_201_6002953.h5");
        assertThat(first.startSlice()).isZero();
        assertThat(first.endSlice()).isEqualTo(12);
        assertThat(first.identity()).isEqualTo("/media/ssd2/fastMRIdata/brain/multicoil_train/file_brain_AXFLAIR_201_6002953.h5");
        assertThat(first.patientId()).isEmpty();

        Catalog test = Catalog.read(TESTSET); // start_slice before end_slice
        assertThat(test.size()).isEqualTo(182);
        assertThat(test.entries().get(0).endSlice()).isEqualTo(14);

        Catalog pathology = Catalog.read(PATHOLOGY); // no numSlices, extra columns, several rows per file
        assertThat(pathology.size()).isEqualTo(909);
        assertThat(pathology.totalSlices()).isEqualTo(2182);
        assertThat(pathology.distinctFiles()).isEqualTo(209);
        assertThat(pathology.columns()).contains("label", "x", "aera").doesNotContain("numSlices");

        Catalog full = Catalog.read(FULL_TEST); // empty folders and empty metadata cells
        assertThat(full.size()).isEqualTo(1564);
        assertThat(full.totalSlices()).isEqualTo(73962);
        assertThat(full.entries().get(0).folderDirectory()).isEmpty();
        assertThat(full.entries().get(0).get("protocolName")).isEmpty();
        assertThat(full.entries().get(0).identity()).isEqualTo("2022121703_T204.h5");

        // round trip keeps the paper's own column order and every cell
        Path out = tmp.resolve("again.csv");
        train.write(out);
        Catalog back = Catalog.read(out);
        assertThat(back.columns()).isEqualTo(train.columns());
        assertThat(back.entries()).isEqualTo(train.entries());
    }

    @Test
    void csvQuotingNumbersAsTextAndMissingColumns() {
        String csv = "\uFEFFfilename,numSlices,institutionName,note\r\n"
                + "a.h5,12.0,\"NYU, LANGONE\",\"say \"\"hi\"\"\"\r\n"
                + "\r\n"
                + "b.h5,3,TH,\"two\nlines\"\n";
        Catalog c = Catalog.parse(csv, "inline.csv");
        assertThat(c.size()).isEqualTo(2);
        CatalogEntry a = c.entries().get(0);
        assertThat(a.startSlice()).isZero();
        assertThat(a.endSlice()).isEqualTo(12); // end_slice defaults to numSlices, "12.0" is a whole number
        assertThat(a.get("institutionName")).isEqualTo("NYU, LANGONE");
        assertThat(a.get("note")).isEqualTo("say \"hi\"");
        assertThat(a.get("protocolName")).isEmpty(); // a column the file does not have
        assertThat(c.entries().get(1).get("note")).isEqualTo("two\nlines");
        assertThat(Catalog.parse(c.toCsv(), "again").entries()).isEqualTo(c.entries());

        assertThatThrownBy(() -> Catalog.parse("filename,end_slice\na.h5,x\n", "bad.csv"))
                .hasMessageContaining("line 2").hasMessageContaining("end_slice");
        assertThatThrownBy(() -> Catalog.parse("folderDirectory,end_slice\n/a/,3\n", "bad.csv"))
                .hasMessageContaining("no 'filename' column");
        assertThatThrownBy(() -> Catalog.parse("filename,start_slice,end_slice\na.h5,5,3\n", "bad.csv"))
                .hasMessageContaining("line 2").hasMessageContaining("[5, 3)");
        assertThatThrownBy(() -> Catalog.parse("filename,end_slice\na.h5,3,9\n", "bad.csv"))
                .hasMessageContaining("line 2: 3 cells but 2 columns");
        Path missing = tmp.resolve("nope.csv");
        assertThatThrownBy(() -> Catalog.read(missing)).isInstanceOf(DataException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
    }

    @Test
    void rebasesAuthorsPathsOntoALocalDataRoot() throws IOException {
        Path local = Files.createDirectories(tmp.resolve("data/knee/multicoil_train"));
        Volumes.write(local.resolve("file1000001.h5"), Volumes.Spec.of(2, "CORPD_FBK", "p1"));
        Files.createDirectories(tmp.resolve("flat"));
        Volumes.write(tmp.resolve("flat/file_brain_1.h5"), Volumes.Spec.of(2, "AXT2", "p2"));
        Catalog c = Catalog.parse("folderDirectory,filename,end_slice\n"
                + "/media/ssd2/fastMRIdata/knee/multicoil_train/,file1000001.h5,2\n"
                + "/media/ssd2/fastMRIdata/brain/multicoil_train/,file_brain_1.h5,2\n"
                + ",missing.h5,2\n", "paths.csv");
        assertThat(c.entries().get(0).resolve(tmp.resolve("data"))).isEqualTo(local.resolve("file1000001.h5"));
        assertThat(c.entries().get(1).resolve(tmp.resolve("flat"))).isEqualTo(tmp.resolve("flat/file_brain_1.h5"));
        assertThat(c.entries().get(2).locate(tmp)).isEmpty();
        assertThatThrownBy(() -> c.entries().get(2).resolve(tmp)).isInstanceOf(DataException.class)
                .hasMessageContaining("missing.h5").hasMessageContaining("no such file");
    }
}
